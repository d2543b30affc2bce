"""English glosses for the invented language's words: what each stem means.

Plain everyday words, so that a gloss helps a learner remember a stem and says nothing
about how it inflects. A seeded shuffle gives each stem its meaning.
"""

from __future__ import annotations

_NOUNS = """
    fish bird tree stone river hill house door bread salt milk egg apple berry leaf root
    seed flower grass moon star sun cloud rain snow wind fire smoke ash sand mud rock cave
    lake sea wave shore island field forest road bridge wall roof window floor table bed
    chair cup bowl pot knife spoon rope net boat sail oar wheel cart horse cow goat sheep
    pig dog cat wolf bear fox deer hare owl crow duck frog snake bee ant worm shell bone
    skin hair eye ear nose mouth hand arm leg knee heart blood song drum flute word name
    story dream gift coin ring cloth shirt hat shoe bag box basket key lamp candle mirror
    book letter map clock bell hammer nail axe needle thread wool honey oil wine soup
    cheese nut bean corn rice onion garden well fence gate tower market village town
    mountain valley meadow spring summer winter autumn night morning evening shadow
    friend guest king queen
"""
NOUNS: tuple[str, ...] = tuple(_NOUNS.split())
"""More nouns than the largest deck needs (150); no two alike."""

_VERBS = """
    swim run walk jump climb fall sit stand lie sleep wake eat drink cook bake cut carry
    throw catch hold give take bring send buy sell pay count read write draw paint sing
    dance play laugh cry shout call speak say tell ask answer listen hear see look watch
    know think learn teach forget remember hope wish want love hate fear help wait stay
    leave come go return arrive enter open close build break mend wash dry burn light
    dig plant grow pick pull push lift drop hide find lose keep share wear sew knit weave
    spin fold tie hunt fish ride sail row fly crawl bite chew smell taste touch feel
    breathe cough sneeze blow whistle knock ring shine rain freeze melt boil pour fill
    empty clean sweep rest work win lend borrow steal visit meet marry greet thank
    forgive choose decide try begin finish shake nod kneel bow pray guard follow lead
"""
VERBS: tuple[str, ...] = tuple(_VERBS.split())
"""More verbs than the largest deck needs (150); no two alike."""

IRREGULAR_NOUNS: tuple[str, ...] = ("child", "person", "woman", "tooth", "mouse", "goose")
"""Meanings the one irregular noun may take: English's own irregular plurals."""
