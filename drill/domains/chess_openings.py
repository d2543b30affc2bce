"""Opening lines the puzzle generator starts its games from (SAN, White first).

Well-known main lines of the common openings, a dozen plies or fewer each, so that the
middlegames the generator plays into look like the ones people reach.
"""

from __future__ import annotations

OPENINGS: tuple[str, ...] = (
    "e4 e5 Nf3 Nc6 Bb5 a6 Ba4 Nf6 O-O Be7 Re1 b5 Bb3 d6",  # Ruy Lopez, closed
    "e4 e5 Nf3 Nc6 Bb5 Nf6 O-O Nxe4 d4 Nd6 Bxc6 dxc6",  # Ruy Lopez, Berlin
    "e4 e5 Nf3 Nc6 Bb5 a6 Bxc6 dxc6 O-O f6",  # Ruy Lopez, exchange
    "e4 e5 Nf3 Nc6 Bc4 Bc5 c3 Nf6 d3 d6 O-O O-O",  # Italian, giuoco pianissimo
    "e4 e5 Nf3 Nc6 Bc4 Nf6 Ng5 d5 exd5 Na5 Bb5+ c6",  # Two knights
    "e4 e5 Nf3 Nc6 d4 exd4 Nxd4 Nf6 Nxc6 bxc6 e5 Qe7",  # Scotch
    "e4 e5 Nf3 Nc6 Nc3 Nf6 Bb5 Bb4 O-O O-O d3 d6",  # Four knights
    "e4 e5 Nf3 Nf6 Nxe5 d6 Nf3 Nxe4 d4 d5 Bd3",  # Petrov
    "e4 e5 Nf3 d6 d4 Nf6 Nc3 Nbd7 Bc4 Be7",  # Philidor
    "e4 e5 Nc3 Nf6 f4 d5 fxe5 Nxe4 Nf3",  # Vienna gambit
    "e4 e5 f4 exf4 Nf3 g5 h4 g4 Ne5",  # King's gambit
    "e4 c5 Nf3 d6 d4 cxd4 Nxd4 Nf6 Nc3 a6 Be3 e5",  # Sicilian, Najdorf
    "e4 c5 Nf3 d6 d4 cxd4 Nxd4 Nf6 Nc3 g6 Be3 Bg7 f3 O-O",  # Sicilian, dragon
    "e4 c5 Nf3 Nc6 d4 cxd4 Nxd4 Nf6 Nc3 e5 Ndb5 d6",  # Sicilian, Sveshnikov
    "e4 c5 Nf3 e6 d4 cxd4 Nxd4 Nc6 Nc3 Qc7 Be2 a6",  # Sicilian, Taimanov
    "e4 c5 Nf3 d6 Bb5+ Bd7 Bxd7+ Qxd7 c4 Nc6",  # Sicilian, Moscow
    "e4 c5 Nc3 Nc6 g3 g6 Bg2 Bg7 d3 d6 f4 e6",  # Sicilian, closed
    "e4 c5 c3 Nf6 e5 Nd5 d4 cxd4 Nf3 Nc6",  # Sicilian, Alapin
    "e4 e6 d4 d5 Nc3 Nf6 Bg5 Be7 e5 Nfd7 Bxe7 Qxe7",  # French, classical
    "e4 e6 d4 d5 Nc3 Bb4 e5 c5 a3 Bxc3+ bxc3 Ne7",  # French, Winawer
    "e4 e6 d4 d5 Nd2 c5 exd5 exd5 Ngf3 Nc6",  # French, Tarrasch
    "e4 e6 d4 d5 e5 c5 c3 Nc6 Nf3 Qb6 a3",  # French, advance
    "e4 c6 d4 d5 Nc3 dxe4 Nxe4 Bf5 Ng3 Bg6 h4 h6",  # Caro-Kann, classical
    "e4 c6 d4 d5 e5 Bf5 Nf3 e6 Be2 c5",  # Caro-Kann, advance
    "e4 d5 exd5 Qxd5 Nc3 Qa5 d4 Nf6 Nf3 c6",  # Scandinavian
    "e4 Nf6 e5 Nd5 d4 d6 Nf3 Bg4 Be2 e6",  # Alekhine
    "e4 d6 d4 Nf6 Nc3 g6 f4 Bg7 Nf3 O-O",  # Pirc, Austrian attack
    "e4 g6 d4 Bg7 Nc3 d6 Be3 a6 Qd2 b5",  # Modern
    "d4 d5 c4 e6 Nc3 Nf6 Bg5 Be7 e3 O-O Nf3 h6",  # Queen's gambit declined
    "d4 d5 c4 dxc4 Nf3 Nf6 e3 e6 Bxc4 c5 O-O a6",  # Queen's gambit accepted
    "d4 d5 c4 c6 Nf3 Nf6 Nc3 dxc4 a4 Bf5 e3 e6",  # Slav
    "d4 d5 c4 c6 Nf3 Nf6 Nc3 e6 e3 Nbd7 Bd3 dxc4",  # Semi-Slav, Meran
    "d4 Nf6 c4 g6 Nc3 Bg7 e4 d6 Nf3 O-O Be2 e5 O-O Nc6",  # King's Indian
    "d4 Nf6 c4 e6 Nc3 Bb4 e3 O-O Bd3 d5 Nf3 c5",  # Nimzo-Indian
    "d4 Nf6 c4 e6 Nf3 b6 g3 Ba6 b3 Bb4+ Bd2 Be7",  # Queen's Indian
    "d4 Nf6 c4 g6 Nc3 d5 cxd5 Nxd5 e4 Nxc3 bxc3 Bg7",  # Grünfeld
    "d4 Nf6 c4 c5 d5 e6 Nc3 exd5 cxd5 d6 e4 g6",  # Modern Benoni
    "d4 Nf6 c4 c5 d5 b5 cxb5 a6 bxa6 Bxa6",  # Benko gambit
    "d4 f5 g3 Nf6 Bg2 g6 Nf3 Bg7 O-O O-O c4 d6",  # Dutch, Leningrad
    "d4 d5 Nf3 Nf6 Bf4 e6 e3 c5 c3 Nc6 Nbd2 Bd6",  # London system
    "d4 Nf6 Bg5 e6 e4 h6 Bxf6 Qxf6 Nc3 d6",  # Trompowsky
    "d4 d5 c4 e6 Nc3 c5 cxd5 exd5 Nf3 Nc6 g3 Nf6",  # Tarrasch defence
    "c4 e5 Nc3 Nf6 Nf3 Nc6 g3 d5 cxd5 Nxd5 Bg2 Nb6",  # English, four knights
    "c4 c5 Nc3 Nc6 g3 g6 Bg2 Bg7 Nf3 e6",  # English, symmetrical
    "Nf3 d5 g3 Nf6 Bg2 c6 O-O Bg4 d3 Nbd7",  # Réti
    "Nf3 Nf6 c4 b6 g3 Bb7 Bg2 e6 O-O Be7 Nc3 O-O",  # English, hedgehog
    "e4 e6 d3 d5 Nd2 Nf6 Ngf3 c5 g3 Nc6 Bg2 Be7",  # King's Indian attack
    "b3 e5 Bb2 Nc6 e3 d5 Bb5 Bd6",  # Larsen
    "f4 d5 Nf3 Nf6 e3 g6 Be2 Bg7 O-O O-O",  # Bird
    "e4 e5 Nf3 Nc6 Bc4 Nf6 d3 Be7 O-O O-O Re1 d6",  # Italian, quiet
)
"""Each a space-separated SAN line from the initial position."""
