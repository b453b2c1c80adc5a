"""The one password policy: screens, the CLI and any API that sets a password call it.

The common-password list is the 30,000 most frequent passwords of Mark Burnett's
public leak corpus, as the zxcvbn package (MIT licence, requirements.txt) ships it.
"""

from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext, lazy_gettext
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 10
COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])
POLICY_HINT = lazy_gettext(
    "At least %(count)d characters, and not one of the common passwords.", count=MIN_LENGTH
)


def password_problems(password):
    """The reasons ``password`` is refused, empty when it is acceptable."""
    password = password or ""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(
            gettext("Use a password of at least %(count)d characters.", count=MIN_LENGTH)
        )
    if password.lower() in COMMON_PASSWORDS:
        problems.append(gettext("This password is one of the most common ones; choose another."))
    return problems


def check_password(password):
    """FAB's FAB_PASSWORD_COMPLEXITY_VALIDATOR: its user and password forms call this."""
    problems = password_problems(password)
    if problems:
        raise PasswordComplexityValidationError(" ".join(problems))
