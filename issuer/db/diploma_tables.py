"""Diploma decisions: a diploma is signed only after the examencommissie's decision is
confirmed by a second staff member.

A row is entered from the issue form or a batch file (``state`` ``pending``, "wacht op
bevestiging examencommissie"); another staff member with the ``decide`` permission confirms
it (``confirmed``: the diploma is signed and offered, ``issued_credential_id``) or rejects
it (``rejected``, with a reason). ``result`` is the entered result as JSON, so what is
signed is exactly what was entered and checked.

One result (``reference``) may have several entries, numbered by ``correction`` (0 the
first): a corrected diploma (a batch conflict resolved by "replace") is a new pending entry
naming the diploma it corrects (``replaces_credential_id``); confirming it signs the
corrected diploma and revokes that one.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web_common.db_types import UtcDateTime

from .tables import IssuerBase

__all__ = ["DECISION_STATES", "DiplomaDecision"]

DECISION_STATES = ("pending", "confirmed", "rejected")


class DiplomaDecision(IssuerBase):
    __tablename__ = "diploma_decision"
    __table_args__ = (UniqueConstraint("organisation_id", "reference", "correction"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    reference: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(16), index=True)
    student_name: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(300))
    examencommissie: Mapped[str | None] = mapped_column(String(300))
    decision_date: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(254))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"))
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
    issued_credential_id: Mapped[int | None] = mapped_column(ForeignKey("issued_credential.id"))
    correction: Mapped[int] = mapped_column(Integer, server_default="0", default=0)
    replaces_credential_id: Mapped[int | None] = mapped_column(ForeignKey("issued_credential.id"))
