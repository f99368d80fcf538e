"""relationships between contacts (assistant of, reports to, spouse of, referred by, custom)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08

A new table only: no existing row changes. Each relationship is one row read from both ends;
both ends cascade, so deleting a contact for good takes its relationships (the change journal
keeps them for undo). `pair_key` is unique: the same relationship cannot be stored twice,
whichever way round it is written (app.domain.relationship.Relationship.key).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.models.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC = db.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "contact_relationships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_contact_id", sa.Integer(), nullable=False),
        sa.Column("to_contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("reverse_label", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("pair_key", sa.String(length=600), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("from_contact_id != to_contact_id",
                           name=op.f("ck_contact_relationships_not_self")),
        sa.ForeignKeyConstraint(
            ["from_contact_id"], ["contacts.id"],
            name=op.f("fk_contact_relationships_from_contact_id_contacts"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["to_contact_id"], ["contacts.id"],
            name=op.f("fk_contact_relationships_to_contact_id_contacts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_relationships")),
        sa.UniqueConstraint("pair_key", name=op.f("uq_contact_relationships_pair_key")),
        # Ids never come back: the journal refers to a deleted relationship by its id.
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("contact_relationships") as b:
        b.create_index(b.f("ix_contact_relationships_from_contact_id"), ["from_contact_id"],
                       unique=False)
        b.create_index(b.f("ix_contact_relationships_to_contact_id"), ["to_contact_id"],
                       unique=False)


def downgrade() -> None:
    raise NotImplementedError("Rolodeck does not downgrade; restore the pre-upgrade backup")
