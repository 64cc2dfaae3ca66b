"""Indicators: definitions, counted facts and pre-aggregated counts, imports, targets and baselines

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 10:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    indicator = op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('theme', sa.String(length=20), nullable=False),
    sa.Column('better', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("better IN ('lager', 'hoger', 'neutraal')", name=op.f('ck_indicator_better')),
    sa.CheckConstraint("kind IN ('geteld', 'import')", name=op.f('ck_indicator_kind')),
    sa.CheckConstraint("theme IN ('ondermijning', 'overlast', 'jeugd', 'huiselijk_geweld', 'cybercrime', 'extern')", name=op.f('ck_indicator_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('key', name=op.f('uq_indicator_key')),
    sa.UniqueConstraint('name', name=op.f('uq_indicator_name'))
    )
    op.create_table('indicator_count',
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('wijk_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('quarter', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_indicator_count_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_count_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('indicator_id', 'gemeente_id', 'wijk_id', 'year', 'quarter', 'month', name=op.f('pk_indicator_count'))
    )
    op.create_table('indicator_fact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('source_type', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('wijk_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_indicator_fact_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_fact_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_fact'))
    )
    with op.batch_alter_table('indicator_fact', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_fact_source', ['source_type', 'source_id'], unique=False)
        batch_op.create_index('ix_indicator_fact_subject', ['indicator_id', 'gemeente_id', 'subject_id', 'year', 'month'], unique=False)

    op.create_table('indicator_baseline',
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('year BETWEEN 1990 AND 2100', name=op.f('ck_indicator_baseline_year_range')),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_indicator_baseline_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_baseline_indicator_id_indicator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_indicator_baseline_set_by_id_user')),
    sa.PrimaryKeyConstraint('indicator_id', 'gemeente_id', name=op.f('pk_indicator_baseline'))
    )
    op.create_table('indicator_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('value_count', sa.Integer(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_indicator_import_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user.id'], name=op.f('fk_indicator_import_imported_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_import'))
    )
    with op.batch_alter_table('indicator_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_import_gemeente_id'), ['gemeente_id'], unique=False)

    op.create_table('indicator_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('comparison', sa.String(length=2), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("comparison IN ('<', '<=', '=', '>=', '>')", name=op.f('ck_indicator_target_comparison')),
    sa.CheckConstraint('year BETWEEN 1990 AND 2100', name=op.f('ck_indicator_target_year_range')),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_indicator_target_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_target_indicator_id_indicator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_indicator_target_set_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_target')),
    sa.UniqueConstraint('indicator_id', 'gemeente_id', 'year', name=op.f('uq_indicator_target_indicator_id_gemeente_id_year'))
    )
    with op.batch_alter_table('indicator_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_target_gemeente_id'), ['gemeente_id'], unique=False)

    op.create_table('indicator_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('note', sa.String(length=100), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_indicator_value_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['import_id'], ['indicator_import.id'], name=op.f('fk_indicator_value_import_id_indicator_import')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_value_indicator_id_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_value')),
    sa.UniqueConstraint('indicator_id', 'gemeente_id', 'year', name=op.f('uq_indicator_value_indicator_id_gemeente_id_year'))
    )
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_value_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_value_import_id'), ['import_id'], unique=False)

    op.bulk_insert(indicator, [
        {'key': key, 'name': name, 'definition': definition, 'unit': unit, 'source': SOURCE, 'kind': 'geteld',
         'theme': theme, 'better': better, 'position': position, 'version': 1}
        for position, (key, name, definition, unit, theme, better) in enumerate(COUNTED, start=1)
    ])



def downgrade():
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_value_import_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_value_gemeente_id'))

    op.drop_table('indicator_value')
    with op.batch_alter_table('indicator_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_target_gemeente_id'))

    op.drop_table('indicator_target')
    with op.batch_alter_table('indicator_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_import_gemeente_id'))

    op.drop_table('indicator_import')
    op.drop_table('indicator_baseline')
    with op.batch_alter_table('indicator_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_fact_subject')
        batch_op.drop_index('ix_indicator_fact_source')

    op.drop_table('indicator_fact')
    op.drop_table('indicator_count')
    op.drop_table('indicator')


# The counted indicators (DESIGN §4, seed 003 §4). caseapp.indicators.counting.RULES counts each key; a test checks
# that every rule has its row and every counted row its rule. Each definition says exactly what the rule counts.
SOURCE = 'Eigen registratie (caseapp)'
_RECEIVED = ('geteld op de datum van ontvangst, in de gemeente en wijk van de melding. Meldingen die nooit een '
             'casus werden tellen mee.')
_OF_CASE = 'in de gemeente en wijk van de casus.'
COUNTED = [
    ('signalen_ondermijning', 'Signalen ondermijning ontvangen',
     f'Het aantal meldingen en signalen (vermoedens) in de categorie ondermijning, {_RECEIVED}',
     'signalen', 'ondermijning', 'neutraal'),
    ('ondermijning_casussen_gestart', 'Casussen ondermijning in behandeling genomen',
     f'Het aantal casussen van het type ondermijning, geteld op de datum waarop de casus is geopend, {_OF_CASE}',
     'casussen', 'ondermijning', 'neutraal'),
    ('ondermijning_casussen_afgehandeld', 'Casussen ondermijning afgehandeld',
     'Het aantal casussen van het type ondermijning dat is afgesloten, geteld op de datum van afsluiten, '
     f'{_OF_CASE} Een heropende casus telt weer mee zodra hij opnieuw is afgesloten, op de nieuwe datum.',
     'casussen', 'ondermijning', 'neutraal'),
    ('bestuurlijke_waarschuwingen', 'Bestuurlijke waarschuwingen verzonden',
     f'Het aantal bestuurlijke waarschuwingen met de status verzonden, geteld op de verzenddatum, {_OF_CASE}',
     'waarschuwingen', 'ondermijning', 'neutraal'),
    ('sluitingen', 'Sluitingen van panden (art. 13b Opiumwet, art. 174a Gemeentewet)',
     'Het aantal besluiten tot sluiting van een woning, lokaal of pand op grond van artikel 13b Opiumwet of '
     f'artikel 174a Gemeentewet, geteld op de datum van het besluit, {_OF_CASE} Een sluiting waarvan is afgezien '
     'voordat er een besluit was, telt niet mee.',
     'sluitingen', 'ondermijning', 'neutraal'),
    ('meldingen_woonoverlast', 'Meldingen woonoverlast',
     f'Het aantal meldingen en signalen in de categorie woonoverlast, {_RECEIVED}',
     'meldingen', 'overlast', 'lager'),
    ('meldingen_verward_gedrag', 'Meldingen verward gedrag',
     f'Het aantal meldingen en signalen in de categorie verward gedrag, {_RECEIVED}',
     'meldingen', 'overlast', 'lager'),
    ('personen_verward_gedrag', 'Personen met verward gedrag',
     'Het aantal verschillende personen dat als betrokkene op een melding verward gedrag staat die in de periode '
     'is ontvangen. Iemand met meer meldingen telt één keer per periode, per gemeente en per wijk; in een totaal '
     'over meer gemeenten telt iemand die in twee gemeenten gemeld is in beide.',
     'personen', 'overlast', 'lager'),
    ('personen_verward_gedrag_structureel', 'Personen met verward gedrag die structureel aandacht vragen',
     'Het aantal verschillende personen dat als betrokkene op een melding verward gedrag in de periode staat en op '
     'de datum van die melding structureel aandacht vroeg: betrokkene bij ten minste het drempelaantal meldingen '
     '(van alle soorten) in de gemeente in de twaalf maanden tot en met die datum. De beheerder stelt de drempel '
     'per gemeente in (standaard 3). Iemand telt één keer per periode, per gemeente en per wijk.',
     'personen', 'overlast', 'lager'),
    ('meldingen_jeugdoverlast', 'Meldingen jeugdoverlast',
     f'Het aantal meldingen en signalen in de categorie jeugdoverlast, {_RECEIVED}',
     'meldingen', 'jeugd', 'lager'),
    ('meldingen_huiselijk_geweld', 'Meldingen huiselijk geweld',
     f'Het aantal meldingen en signalen in de categorie huiselijk geweld, {_RECEIVED}',
     'meldingen', 'huiselijk_geweld', 'neutraal'),
    ('huisverboden_opgelegd', 'Huisverboden opgelegd',
     'Het aantal opgelegde tijdelijke huisverboden (Wet tijdelijk huisverbod), geteld op de dag van opleggen '
     f'(Nederlandse tijd), {_OF_CASE} Een huisverbod dat is voorbereid maar niet opgelegd, telt niet mee.',
     'huisverboden', 'huiselijk_geweld', 'neutraal'),
    ('huisverboden_verlengd', 'Huisverboden verlengd',
     'Het aantal opgelegde huisverboden dat is verlengd (art. 9), geteld op de dag van het eerste besluit tot '
     f'verlengen, {_OF_CASE} Een huisverbod dat twee keer is verlengd telt één keer.',
     'huisverboden', 'huiselijk_geweld', 'neutraal'),
    ('meldingen_cybercrime', 'Meldingen cybercrime',
     f'Het aantal meldingen en signalen in de categorie cybercrime, {_RECEIVED}',
     'meldingen', 'cybercrime', 'lager'),
]
