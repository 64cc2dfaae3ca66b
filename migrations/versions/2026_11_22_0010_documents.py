"""Documents on cases and interventions; letter templates

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 09:00:00.000000
"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('intervention_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('visibility', sa.String(length=20), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('upload', 'brief')", name=op.f('ck_document_kind')),
    sa.CheckConstraint("visibility IN ('partners', 'zorgpartners', 'intern')", name=op.f('ck_document_visibility')),
    sa.CheckConstraint('size > 0', name=op.f('ck_document_size_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_document_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['intervention_id'], ['intervention.id'], name=op.f('fk_document_intervention_id_intervention'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_document_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_document_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_document_storage_key'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_case_created', ['case_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_intervention_id'), ['intervention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_organisation_id'), ['organisation_id'], unique=False)

    letter_template = op.create_table('letter_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('waarschuwing', 'voornemen_sluiting_13b', 'voornemen_sluiting_174a', 'voornemen_gedragsaanwijzing')", name=op.f('ck_letter_template_kind')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_letter_template_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_template')),
    sa.UniqueConstraint('kind', name=op.f('uq_letter_template_kind'))
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(letter_template, [
        {'kind': kind, 'subject': subject, 'body': body, 'version': 1, 'updated_at': now, 'updated_by_id': None}
        for kind, subject, body in DEFAULT_TEMPLATES
    ])


def downgrade():
    op.drop_table('letter_template')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_document_intervention_id'))
        batch_op.drop_index('ix_document_case_created')

    op.drop_table('document')


# The default letters: the beheerder adapts them to the gemeente (Beheer > Briefsjablonen). Only the placeholders
# of caseapp.letters.operations.PLACEHOLDERS may be used; a test checks that these texts pass the editor's checks.
_SIGNATURE = """Met vriendelijke groet,

de burgemeester van {{ gemeente }},
namens deze,

{{ coordinator }}
coördinator zorg en veiligheid"""

_ZIENSWIJZE = """Uw zienswijze
Voordat de burgemeester een besluit neemt, mag u uw mening over dit voornemen geven: uw zienswijze. Dat kan \
schriftelijk of mondeling, tot en met {{ zienswijze_uiterlijk }}. Wilt u uw zienswijze mondeling geven, neem dan \
vóór die datum contact op met {{ coordinator }}. Vermeld altijd het kenmerk {{ kenmerk }}.

Na deze datum neemt de burgemeester een besluit, ook als u geen zienswijze heeft gegeven. Tegen dit voornemen kunt u \
geen bezwaar maken; tegen het besluit dat volgt wel. Hoe dat gaat, staat dan in het besluit."""

_DESCRIPTION = """{% if omschrijving %}

{{ omschrijving }}
{% endif %}"""

DEFAULT_TEMPLATES = [
    ('waarschuwing', 'Bestuurlijke waarschuwing', f"""Geachte heer, mevrouw,

De burgemeester van {{{{ gemeente }}}} heeft informatie ontvangen over overlast en verstoring van de openbare orde \
die in verband worden gebracht met {{% if onderneming %}}{{{{ onderneming }}}}{{% else %}}u{{% endif %}}, op of rond \
het adres {{{{ pandadres }}}}.
{_DESCRIPTION}

De burgemeester is verantwoordelijk voor de openbare orde en veiligheid in de gemeente {{{{ gemeente }}}}. Daarom \
geeft de burgemeester u met deze brief een bestuurlijke waarschuwing, op grond van {{{{ grondslag }}}}. Wij vragen u \
dringend ervoor te zorgen dat de overlast direct stopt en niet terugkomt.

Stopt de overlast niet, of komt die terug, dan kan de burgemeester zwaardere maatregelen nemen, zoals een \
gedragsaanwijzing (artikel 151d van de Gemeentewet) of het sluiten van de woning of het pand (artikel 174a van de \
Gemeentewet of artikel 13b van de Opiumwet).

Deze waarschuwing is geen besluit in de zin van de Algemene wet bestuursrecht. U kunt er daarom geen bezwaar tegen \
maken. De waarschuwing wordt wel bewaard en kan worden meegewogen als de burgemeester later een besluit neemt.

Heeft u vragen over deze brief? Neem dan contact op met {{{{ coordinator }}}}, coördinator zorg en veiligheid van de \
gemeente {{{{ gemeente }}}}. Vermeld daarbij het kenmerk {{{{ kenmerk }}}}.

{_SIGNATURE}"""),
    ('voornemen_sluiting_13b', 'Voornemen tot sluiting van het pand {{ pandadres }}', f"""Geachte heer, mevrouw,

Op {{{{ datum_rapportage }}}} heeft de politie de burgemeester van {{{{ gemeente }}}} een bestuurlijke rapportage \
gestuurd over het pand {{{{ pandadres }}}}{{% if onderneming %}} ({{{{ onderneming }}}}){{% endif %}}. Daaruit blijkt \
dat in of bij het pand drugs werden verkocht, afgeleverd of verstrekt, of daarvoor aanwezig waren.
{_DESCRIPTION}

Voornemen
De burgemeester is van plan het pand te sluiten, op grond van {{{{ grondslag }}}}. Een sluiting beschermt de \
omgeving tegen de gevolgen van drugshandel: het pand is dan niet langer bekend en bereikbaar als plek waar drugs te \
krijgen zijn. De duur van de sluiting volgt uit het beleid van de gemeente {{{{ gemeente }}}} voor sluitingen op grond \
van de Opiumwet.

{_ZIENSWIJZE}

{_SIGNATURE}"""),
    ('voornemen_sluiting_174a', 'Voornemen tot sluiting van de woning {{ pandadres }}', f"""Geachte heer, mevrouw,

De burgemeester van {{{{ gemeente }}}} heeft meldingen en informatie ontvangen over ernstige verstoring van de \
openbare orde door gedragingen in of vanuit de woning {{{{ pandadres }}}}{{% if onderneming %}} \
({{{{ onderneming }}}}){{% endif %}}. Omwonenden ondervinden daarvan ernstige hinder en voelen zich niet veilig.
{_DESCRIPTION}
{{% if eigen_maatregelen_tot %}}

U bent in de gelegenheid gesteld om tot en met {{{{ eigen_maatregelen_tot }}}} zelf maatregelen te nemen om de \
verstoring te beëindigen. Dat heeft de verstoring niet gestopt.
{{% endif %}}

Voornemen
De burgemeester is van plan de woning te sluiten, op grond van {{{{ grondslag }}}}. Een sluiting is bedoeld om de \
openbare orde rond de woning te herstellen en de omgeving rust te geven.

{_ZIENSWIJZE}

{_SIGNATURE}"""),
    ('voornemen_gedragsaanwijzing', 'Voornemen tot het opleggen van een gedragsaanwijzing', f"""Geachte heer, mevrouw,

De burgemeester van {{{{ gemeente }}}} heeft meldingen ontvangen over ernstige en herhaalde hinder voor omwonenden \
vanuit de woning {{{{ pandadres }}}}. Volgens de meldingen wordt deze hinder veroorzaakt door u of door personen die \
uw woning bezoeken.
{_DESCRIPTION}

Eerder is geprobeerd de overlast op een andere manier te laten stoppen, maar dat heeft onvoldoende geholpen. De \
burgemeester ziet daarom geen andere mogelijkheid dan u een gedragsaanwijzing op te leggen.

Voornemen
De burgemeester is van plan u een gedragsaanwijzing op te leggen, op grond van {{{{ grondslag }}}} en de zorgplicht \
voor woonoverlast in de Algemene plaatselijke verordening van {{{{ gemeente }}}}. Een gedragsaanwijzing is een \
opdracht om bepaalde gedragingen te laten of juist te doen, bijvoorbeeld geen harde muziek meer te maken of hulp te \
aanvaarden. In het besluit staat binnen welke termijn u zich eraan moet houden en wat er gebeurt als u dat niet doet: \
een last onder dwangsom of bestuursdwang. De burgemeester kan u daarbij ook verbieden de woning ten hoogste tien \
dagen te betreden.

{_ZIENSWIJZE}

{_SIGNATURE}"""),
]
