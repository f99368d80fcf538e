"""saved searches: a group may keep a search and filters instead of a list of members

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

One column on groups, empty for every group there is: an existing group stays a group whose
members are listed. A saved search's members are whoever its search finds when it is opened.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as b:
        b.add_column(sa.Column("search", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("groups") as b:
        b.drop_column("search")
