"""Demo content for the annotators' channel: people and roles, a tag vocabulary, a guideline with
history, flags in every state and one shared reflection, all fictional."""

from __future__ import annotations

from datetime import datetime, timedelta

from annogov.store.channel import ChannelRepository
from annogov.store.channel_models import GuidelineDocumentRow
from annogov.store.models import utcnow
from annogov.store.records import ProgramRecord
from annogov.store.store import Store
from governance.channel import calibration as cal
from governance.channel import guidelines as gl
from governance.channel import reflection as rf
from governance.channel.weeks import iso_week
from governance.roles import Role, User

DEMO_USERS: tuple[User, ...] = (
    User(user_id="amara@vendor.example", name="Amara N. (annotator)", role=Role.ANNOTATOR,
         annotator_id="ann-a"),
    User(user_id="bao@vendor.example", name="Bao T. (annotator)", role=Role.ANNOTATOR,
         annotator_id="ann-b"),
    User(user_id="chloe@vendor.example", name="Chloé D. (annotator)", role=Role.ANNOTATOR,
         annotator_id="ann-c"),
    User(user_id="ravi@vendor.example", name="Ravi K. (reviewer)", role=Role.REVIEWER),
    User(user_id="jvarga@buyer.example", name="J. Varga (ML engineer)", role=Role.ML_ENGINEER),
    User(user_id="rokafor@buyer.example", name="R. Okafor (program manager)",
         role=Role.PROGRAM_MANAGER),
)
DEMO_BUYER_USERS: tuple[User, ...] = (
    User(user_id="msantos@buyer.example", name="M. Santos (security evaluator)", role=Role.REVIEWER,
         annotator_id="M. Santos (security)"),
    User(user_id="sito@buyer.example", name="S. Ito (steering committee)", role=Role.VIEWER),
)
"""Demo people beyond the channel: an evaluator who scores under the demo's evaluator name, a viewer."""
DEMO_TAGS = ("sarcasm", "mixed intent", "code-switching", "missing context", "guideline gap",
             "personal data", "machine translation")
GUIDE_ID = "ticket-labels"


def seed_channel(store: Store, program: ProgramRecord, now: datetime | None = None) -> None:
    """Seed the channel for the demo program (a `DEMO_STEPS` step)."""
    now = now or utcnow()
    day = timedelta(days=1)
    amara, bao, chloe, rev, eng, pm = DEMO_USERS
    with store.transaction() as s:
        repo = ChannelRepository(s)
        if not repo.list_users(pm):
            repo.save_user(None, pm, demo=True)
        for user in (*DEMO_USERS, *DEMO_BUYER_USERS):
            if repo.get_user(user.user_id) is None:
                repo.save_user(pm, user, demo=True)
        name = program.name
        guide_id = GUIDE_ID
        if s.get(GuidelineDocumentRow, guide_id) is not None:  # a second demo program
            guide_id = f"{GUIDE_ID}-{program.id}"
        repo.set_vocabulary(pm, cal.TagVocabulary(program=name, tags=DEMO_TAGS), now - 30 * day)
        doc = gl.new_document(
            guide_id, "Support-ticket intent and sentiment guide", name, pm, now - 28 * day,
            rulings=[
                gl.AddRuling(title="One intent per ticket",
                             text="Label the intent the customer wants resolved first. A thank-"
                                  "you after a complaint does not change the intent.",
                             category="intent"),
                gl.AddRuling(title="Sentiment of the customer, not the product",
                             text="Sentiment describes the customer's tone in this message, "
                                  "not how the product is described.", category="sentiment"),
                gl.AddRuling(title="Personal data",
                             text="Never copy names, e-mail addresses or order numbers into "
                                  "comments; use the 'personal data' tag instead."),
            ], reason="Guide agreed at kick-off")
        repo.create_guideline(pm, doc)

        sarcasm = repo.flag_task(
            amara, program=name, task_id="TCK-10482", category="sentiment",
            description="\"Great, the third replacement also broke\" reads positive word by "
                        "word but is clearly a complaint. Positive or negative?",
            tags=["sarcasm"], now=now - 9 * day, set_aside=True)
        repo.reply(rev, sarcasm.entry_id, "Seen four of these in the French batch too.",
                   now - 9 * day + timedelta(hours=3))
        repo.resolve(eng, sarcasm.entry_id, "Sarcasm takes the sentiment the customer means: "
                     "negative here.", now - 8 * day)
        repo.promote(eng, sarcasm.entry_id, guide_id, "Sarcasm", now - 8 * day + timedelta(
            hours=2), reason="Calibration log: sarcastic praise (ticket TCK-10482)")

        mixed = repo.flag_task(
            bao, program=name, task_id="TCK-11007", category="intent",
            description="Customer asks for a refund and, in the same sentence, to cancel the "
                        "subscription. Which intent comes first?",
            tags=["mixed intent", "guideline gap"], now=now - 5 * day, set_aside=True)
        repo.reply(eng, mixed.entry_id, "Does the refund depend on the cancellation?",
                   now - 4 * day)
        repo.flag_task(
            chloe, program=name, task_id="TCK-11007", category="intent",
            description="Refund + cancellation in one line again; I picked refund.",
            tags=["mixed intent"], now=now - 4 * day)
        repo.flag_task(
            chloe, program=name, task_id="TCK-11215", category="sentiment",
            description="Ticket switches from Spanish to English mid-sentence; the English "
                        "part is polite, the Spanish part angry.",
            tags=["code-switching"], free_tags=["tone shift"], now=now - 2 * day,
            set_aside=True)
        repo.flag_task(
            amara, program=name, task_id="TCK-11290", category="intent",
            description="Machine-translated ticket lost the product name; intent unclear.",
            tags=["machine translation", "missing context"], now=now - 1 * day)

        week = iso_week(now - 7 * day)
        pick = rf.TaskPick(task_id="TCK-10482", category="sentiment", label="negative",
                           gold_label=None, other_labels={"positive": 1},
                           reasons=[rf.PickReason.DISAGREED_WITH_OTHERS,
                                    rf.PickReason.FLAGGED], entry_ids=[sarcasm.entry_id])
        repo.save_reflection(amara, name, rf.write_reflection(
            amara, week, [pick], now - 6 * day, most_challenging=["TCK-10482"],
            tags=["sarcasm"], comment="Sarcasm is everywhere in the replacement tickets.",
            insight="Replacement-request tickets from repeat customers are sarcastic far more "
                    "often than others; worth a look at the model's sentiment there.",
            share_insight=True))
