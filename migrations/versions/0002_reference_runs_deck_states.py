"""Reference runs (the network on a learner's items) and deck states (for resuming).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 05:54:12.499422
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deck_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('deck', sa.String(length=200), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_deck_states_learner_id_learners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deck_states')),
    sa.UniqueConstraint('learner_id', 'deck', name=op.f('uq_deck_states_learner_id'))
    )
    op.create_table('reference_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('deck', sa.String(length=200), nullable=False),
    sa.Column('deck_fingerprint', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('exposures', sa.Integer(), nullable=False),
    sa.Column('n_train', sa.Integer(), nullable=False),
    sa.Column('n_heldout', sa.Integer(), nullable=False),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('steps_to_memorize', sa.Integer(), nullable=True),
    sa.Column('steps_to_grok', sa.Integer(), nullable=True),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('final_train_accuracy', sa.Float(), nullable=False),
    sa.Column('final_heldout_accuracy', sa.Float(), nullable=False),
    sa.Column('weight_norm', sa.Float(), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('curve', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_reference_runs_learner_id_learners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_runs'))
    )
    with op.batch_alter_table('reference_runs', schema=None) as batch_op:
        batch_op.create_index('ix_reference_runs_learner_deck', ['learner_id', 'deck'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reference_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_reference_runs_learner_deck')

    op.drop_table('reference_runs')
    op.drop_table('deck_states')
