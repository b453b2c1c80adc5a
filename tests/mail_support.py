"""Real mail servers on loopback for the email tests: aiosmtpd (SMTP) and Dovecot (IMAP,
Debian's dovecot-imapd, installed by ``make browsers``) with a passwd-file user and a
Maildir in a temporary folder."""

import email
import email.policy
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
IMAP_USER, IMAP_PASSWORD = "crm@acme.example", "imap-secret-1"


class Mailbox:
    """Keeps every accepted message; refuses recipients at refused.example."""

    def __init__(self):
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [
            email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes
        ]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _users():
    """(login user, internal user, mail user): Dovecot's own accounts when run as root,
    else the current user for all three."""
    if os.geteuid() == 0:
        return "dovenull", "dovecot", "dovecot"
    me = pwd.getpwuid(os.geteuid()).pw_name
    return me, me, me


CONFIG = """protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login}
default_internal_user = {internal}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail} gid={mail} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


class Dovecot:
    def __init__(self, root, port):
        self.root, self.port = root, port

    def client(self):
        client = imaplib.IMAP4("127.0.0.1", self.port)
        client.login(IMAP_USER, IMAP_PASSWORD)
        return client

    def deliver(self, raw: bytes, folder="INBOX"):
        """Put a message in the mailbox (IMAP APPEND), unseen."""
        client = self.client()
        try:
            status, answer = client.append(folder, None, None, raw)
            assert status == "OK", answer
        finally:
            client.logout()

    def seen_flags(self, folder="INBOX"):
        client = self.client()
        try:
            client.select(folder)
            _, data = client.uid("FETCH", "1:*", "(FLAGS)")
            return [d.decode() for d in data if d]
        finally:
            client.logout()


@pytest.fixture
def dovecot():
    if not os.path.exists(DOVECOT):
        pytest.fail("dovecot is not installed: run `make browsers` (installs dovecot-imapd)")
    login, internal, mail = _users()
    root = tempfile.mkdtemp(prefix="crm-dovecot-")
    os.chmod(root, 0o755)
    os.makedirs(os.path.join(root, "home"))
    shutil.chown(os.path.join(root, "home"), mail, mail)
    with open(os.path.join(root, "passwd"), "w") as passwd:
        passwd.write(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}\n")
    port = free_port()
    conf = os.path.join(root, "dovecot.conf")
    with open(conf, "w") as out:
        out.write(CONFIG.format(root=root, port=port, login=login, internal=internal, mail=mail))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", conf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"dovecot did not start: {process.stdout.read().decode()}")
                time.sleep(0.05)
        yield Dovecot(root, port)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
