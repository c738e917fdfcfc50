"""Reviewed decisions for J. V. Stalin, Works, vol. 4 that no rule in ``works.py`` can take.

Entries are keyed by a line number of 003_987b735f64f89366.txt (for documents: their first
line) and carry the text printed there; an entry whose text no longer matches is reported as a
warning instead of applied, so a changed source file cannot silently receive another line's
decision. Every applied entry is listed in ``ParsedFile.decisions``.
"""

# Printed title -> display title. The printed title stays in ``title``; only the display corrects.
DISPLAY_TITLES: dict[int, tuple[str, str]] = {
    # "Scoial": transposed letters.
    1: (
        "Speech delivered at the Congress of the Finnish Scoial-Democratic Labour Party",
        "Speech delivered at the Congress of the Finnish Social-Democratic Labour Party",
    ),
    # "Comittee": dropped letter.
    1239: (
        "Speech at the Meeting of the Central Comittee of the R.S.D.L.P.(B.) on the Question of "
        "Peace with the Germans",
        "Speech at the Meeting of the Central Committee of the R.S.D.L.P.(B.) on the Question of "
        "Peace with the Germans",
    ),
    # The congress is "of Soviets" (see the document's own note 1).
    4207: (
        "Telegram to the Congress of Soviet of the Turkestan Region",
        "Telegram to the Congress of Soviets of the Turkestan Region",
    ),
    # "Deliverd as a Conference": two typos; the chronicle speaks of speeches at the conference.
    4451: (
        "Speeches Deliverd as a Conference on the Convening of a Constituent Congress of Soviets "
        "of the Tatar-Bashkir Soviet Republic",
        "Speeches Delivered at a Conference on the Convening of a Constituent Congress of Soviets "
        "of the Tatar-Bashkir Soviet Republic",
    ),
    # Initials printed without stops.
    6419: ("Letter to V I Lenin", "Letter to V. I. Lenin"),
    # The addressee is Voroshilov (he co-signs the telegram of 31 August 1918).
    6723: (
        "Telegram to Vorishilov, Commander of the Front, Tsaritsyn",
        "Telegram to Voroshilov, Commander of the Front, Tsaritsyn",
    ),
    # Printed in capitals, unlike every other title.
    12769: ("TWO YEARS", "Two Years"),
    # The chronicle (March 16, 1919) names the article "Imperialism's Reserves".
    13039: ("Imperialism Reserves", "Imperialism's Reserves"),
    # "Mlitary", and the congress is the Eighth.
    13299: (
        "Excerpt from a Speech on the Mlitary Question Delivered at the Eight Congress of the "
        "R.C.P.(B.)",
        "Excerpt from a Speech on the Military Question Delivered at the Eighth Congress of the "
        "R.C.P.(B.)",
    ),
    # Lower-case title words; capitalised as in the chronicle (April 23, 1920).
    16669: (
        "Lenin as the organiser and leader of the Russian Communist Party",
        "Lenin as the Organiser and Leader of the Russian Communist Party",
    ),
    # Lower-case title words; capitalised as in the chronicle (May 25 and 26, 1920).
    17385: (
        "The Entente's new campaign against Russia",
        "The Entente's New Campaign Against Russia",
    ),
    # "party" in lower case.
    18787: ("To All party Organisations", "To All Party Organisations"),
    # "years" in lower case; the chronicle (November 6, 1920) prints "Three Years".
    20779: ("Three years of Proletarian Dictatorship", "Three Years of Proletarian Dictatorship"),
    # "Aemenia", and a space before the exclamation mark; the chronicle prints the title right.
    22483: ("Long Live Soviet Aemenia !", "Long Live Soviet Armenia!"),
}

# Header lines that are not header text. Value: what to do with the printed line.
HEADER_LINES: dict[int, tuple[str, str]] = {
    # "Speech Deliver" before the date is a truncated repeat of the title: drop the fragment,
    # keep the date it precedes.
    1401: ("Speech Deliver January 10-18, 1918 1", "drop_prefix"),
    # "February-March 1917" is the first of the article's section headings (1917, 1918, 1919),
    # not its date: it belongs to the body; the date comes from the chronicle ("Two Years,"
    # printed March 9, 1919).
    12771: ("February-March 1917", "body"),
}

# Kinds the title rules cannot tell: first line -> (printed title, kind).
KINDS: dict[int, tuple[str, str]] = {
    # A draft adopted by the Constitution Commission: the volume's one resolution.
    4123: (
        "General Provisions of the Constitution of the Russian Socialist Federative Soviet "
        "Republic",
        "resolution",
    ),
    # A circular of the People's Commissariat "couched in the spirit of the circular letter".
    12259: ("To the Soviets and the Party Organisations of Turkestan", "letter"),
    # A message of thanks from the Revolutionary Military Council, printed in Petrogradskaya
    # Pravda; a letter rather than an article (uncertain: could be a telegram).
    15235: ("Greetings to Petrograd from the Southern Front", "letter"),
    # A statement given to a newspaper, in reported speech like the interviews.
    18633: ("How the Red Army is Greeted", "interview"),
    # A memorandum and a statement to the Political Bureau: internal reports, not articles.
    18941: ("Creation of Fighting Reserves of the Republic", "report"),
    # A declaration and concluding remarks delivered at a congress.
    21391: ("Congress of the Peoples of Daghestan", "speech"),
    # A report and concluding remarks delivered at a congress.
    21717: ("Congress of the Peoples of the Terek Region", "speech"),
}

# Undated documents the chronicle dates without quoting their title:
# first line -> (printed title, line of the chronicle's date line).
CHRONICLE_DATES: dict[int, tuple[str, int]] = {
    # June 7, 1918: "In a telegram to V. I. Lenin, J. V. Stalin informs him of the measures taken
    # to get the transport system going ..." -- the telegram reports arriving in Tsaritsyn "on
    # the 6th" and the dispatch of grain.
    6101: ("Telegram to V.I. Lenin", 23118),
    # September 6, 1918: "J. V. Stalin informs the Council of People's Commissars by wire of the
    # success of the Soviet offensive in the Tsaritsyn area."
    6649: ("Telegram to the Council of People's Commissars", 23262),
}

# Chronicle date lines printed wrong: line -> (date as printed, (month, day) meant).
CHRONICLE_DATE_FIXES: dict[int, tuple[str, tuple[int, int]]] = {
    # Printed "December 1" between December 12 and 16; the entry is the A.R.C.E.C. report on the
    # Rada, which the document "The Ukrainian Rada" dates December 14, 1917.
    22799: ("December 1", (12, 14)),
    # 1918 has no February 29; the entry is the direct-wire communication to the People's
    # Secretariat, which the document "Note Sent by Direct Wire" dates February 24, 1918.
    22938: ("February 29", (2, 24)),
}

# Artefacts no rule can tell from real text, each within one printed line:
# the printed text -> the repaired text.
TEXT_REPAIRS: dict[str, str] = {
    # Spurious hyphens standing for spaces.
    "restore-fra-ternal": "restore fraternal",  # "everything to restore fraternal confidence"
    "the-Ukrainian- Soviets": "the Ukrainian Soviets",  # "to disarm the Ukrainian Soviets"
    "gains-of the": "gains of the",  # "liquidating the gains of the revolution"
    "the-Affairs": "the Affairs",  # "People's Commissariat for the Affairs of Nationalities"
    "out-their": "out their",  # "will carry out their highly important decision"
    # Line 18423: a hyphen for a space, then a soft one; the volume prints "encirclement" 3 times.
    "fearing-encir-clement": "fearing encirclement",
    # Dashes extracted as hyphens; the volume prints its dashes closed up ("it—and") 188 times.
    "vicinity-in particular": "vicinity—in particular",  # line 11729
    "formation-only then": "formation—only then",  # line 11057: "methods of formation—only then"
    # Soft hyphens inside a word neither half of which the volume prints elsewhere.
    "superflu-ousness": "superfluousness",  # "the superfluousness of cultural-national autonomy"
    "sovietiz-ing": "sovietizing",  # the volume writes "sovietization" unbroken
    # A footnote marker of the printed volume whose note the transcription does not carry.
    "Black Congress33 in": "Black Congress in",
}

# Paragraph breaks printed in mid-sentence that no rule can tell from a paragraph whose final
# full stop was lost: line ending the first half -> its printed end.
PARAGRAPH_JOINS: dict[int, str] = {
    1631: "helping him to shoot down",  # "... to shoot down / Soviet troops and preventing ..."
    9817: "under the very nose of the hangman",  # "... the hangman / General Hoffmann shows ..."
}

# Hyphens no rule in ``text.decide_hyphen`` settles (it would keep them and ask for a review),
# each read in the file: the printed "a-b" (matched in any case) -> the spelling to print.
# A misprint stays (it is the source's); only the hyphen is decided.
HYPHENS: dict[str, str] = {
    # Usage would join these: "reform" and "breakup" are other words here.
    "re-form": "re-form",  # "re-form its ranks": not "reform", which the volume uses for reforms
    "break-up": "break-up",  # "the break-up of the old machinery": printed both ways, kept as here
    # Soft hyphens of words split at a line end.
    "con-mander": "conmander",  # chronicle, line 23214: "the con-/mander", "commander" misprinted
    # Soft hyphens left inside a line in names; the first half is a word by accident ("Se",
    # "Be", "Do"), so the name rule cannot see them.
    "Se-myonov": "Semyonov",  # line 5671, Krasnov's Minister of Agriculture
    "Be-rensky": "Berensky",  # line 8421, "The Milyukov-Be-rensky Government" ("Ke-" misprinted)
    "Do-rokhoi": "Dorokhoi",  # line 18957, "in the Do-rokhoi area" (Dorohoi, Rumania)
    # "af-firming", "af-firmed" misprinted "of-": soft hyphens (the volume prints "affirm…" 13
    # times, unbroken), not a spurious "of" followed by a word.
    "of-firming": "offirming",  # line 7277, "have been of-firming all along"
    "of-firmed": "offirmed",  # line 15711, "It may be confidently of-firmed that"
    # Compounds the volume prints only here: kept as printed.
    "on-sweep": "on-sweep",  # line 19087, "suitable only in the on-sweep of a general offensive"
    "long-awaited": "long-awaited",  # line 1043, "the long-/awaited atmosphere"
    "quick-firing": "quick-firing",  # line 11837, "quick-/firing guns"
    "un-feasibility": "un-feasibility",  # line 2629, inside a line; no "unfeasibility" anywhere
    "bag-trading": "bag-trading",  # line 6167, "arrested today for bag-trading"
    "whipper-snapper": "whipper-snapper",  # line 11169, "whipper-snapper \"commissars\""
}
