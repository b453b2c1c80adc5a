"""Priced lines shared by sales orders and invoices."""

from sqlalchemy import Column, Integer, Numeric, String


class PricedLine:
    """description x quantity at unit price, less a discount, plus tax.

    ``net_amount``, ``tax_amount`` and ``total`` are computed by the ledger service
    (crm.services.ledger_totals) and stored, so lists and statements read them as is.
    """

    id = Column(Integer, primary_key=True)
    position = Column(Integer, nullable=False, default=0)
    description = Column(String(255), nullable=False)
    quantity = Column(Numeric(12, 3), nullable=False, default=1)
    unit_price = Column(Numeric(14, 2), nullable=False, default=0)
    discount_rate = Column(Numeric(5, 2), nullable=False, default=0)
    tax_rate = Column(Numeric(5, 2), nullable=False, default=0)
    net_amount = Column(Numeric(14, 2), nullable=False, default=0)
    tax_amount = Column(Numeric(14, 2), nullable=False, default=0)
    total = Column(Numeric(14, 2), nullable=False, default=0)

    def __str__(self):
        return self.description or ""


class DocumentTotals:
    """Totals of a document with priced lines, kept by the ledger service."""

    subtotal = Column(Numeric(14, 2), nullable=False, default=0)
    discount_total = Column(Numeric(14, 2), nullable=False, default=0)
    tax_total = Column(Numeric(14, 2), nullable=False, default=0)
    total = Column(Numeric(14, 2), nullable=False, default=0)
