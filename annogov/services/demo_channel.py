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
DEMO_TAGS = ("ambiguous class", "occlusion", "glare", "motion blur", "guideline gap",
             "missing context", "personal data")
GUIDE_ID = "street-scene-labels"


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
            guide_id, "Street-scene labelling guide", name, pm, now - 28 * day,
            rulings=[
                gl.AddRuling(title="Cyclists",
                             text="A person riding a bicycle, with at least one foot on a pedal, "
                                  "is labelled cyclist. The bicycle is not labelled separately.",
                             category="urban_day"),
                gl.AddRuling(title="Occlusion",
                             text="Label an object when at least a quarter of it is visible; "
                                  "a traffic sign only when its face can be read.",
                             category="urban_night"),
                gl.AddRuling(title="Personal data",
                             text="Never copy number plates or descriptions of faces into "
                                  "comments; use the 'personal data' tag instead."),
            ], reason="Guide agreed at kick-off")
        repo.create_guideline(pm, doc)

        pushed = repo.flag_task(
            amara, program=name, task_id="img-0412", category="urban_night",
            description="Person pushing a bicycle across the crossing, both feet on the "
                        "ground. Pedestrian or cyclist?",
            tags=["ambiguous class"], now=now - 9 * day, set_aside=True)
        repo.reply(rev, pushed.entry_id, "Seen four of these in batch B3 too.",
                   now - 9 * day + timedelta(hours=3))
        repo.resolve(eng, pushed.entry_id, "A person walking beside or pushing a bicycle is a "
                     "pedestrian.", now - 8 * day)
        repo.promote(eng, pushed.entry_id, guide_id, "Pushing a bicycle", now - 8 * day + timedelta(
            hours=2), reason="Calibration log: person pushing a bicycle (frame img-0412)")

        paddle = repo.flag_task(
            bao, program=name, task_id="img-0587", category="construction_zone",
            description="Road worker holding a hand-held stop sign. Traffic sign, pedestrian, "
                        "or both?",
            tags=["ambiguous class", "guideline gap"], now=now - 5 * day, set_aside=True)
        repo.reply(eng, paddle.entry_id, "Is the sign on a pole or held by the worker?",
                   now - 4 * day)
        repo.flag_task(
            chloe, program=name, task_id="img-0587", category="construction_zone",
            description="Hand-held stop sign again; I labelled the worker pedestrian only.",
            tags=["ambiguous class"], now=now - 4 * day)
        repo.flag_task(
            chloe, program=name, task_id="img-0633", category="urban_night",
            description="Headlight glare on a wet road hides the shape: cyclist or a "
                        "motorbike (vehicle)?",
            tags=["glare"], free_tags=["wet road"], now=now - 2 * day,
            set_aside=True)
        repo.flag_task(
            amara, program=name, task_id="img-0701", category="highway",
            description="Frame is mostly motion blur; the sign at the edge cannot be read.",
            tags=["motion blur", "missing context"], now=now - 1 * day)

        week = iso_week(now - 7 * day)
        pick = rf.TaskPick(task_id="img-0412", category="urban_night", label="pedestrian",
                           gold_label=None, other_labels={"cyclist": 1},
                           reasons=[rf.PickReason.DISAGREED_WITH_OTHERS,
                                    rf.PickReason.FLAGGED], entry_ids=[pushed.entry_id])
        repo.save_reflection(amara, name, rf.write_reflection(
            amara, week, [pick], now - 6 * day, most_challenging=["img-0412"],
            tags=["ambiguous class"],
            comment="Pushed bicycles are everywhere at the night crossings.",
            insight="Night frames at crossings show far more people walking a bicycle than day "
                    "frames; worth a look at the model's cyclist class at night.",
            share_insight=True))
