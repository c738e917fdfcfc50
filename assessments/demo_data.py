"""The demo assessments: exam-style questions, generic mark schemes and objective questions.

Written from the shared demo material (UNITS.md, units.json, in lessons/demo_material/). The
level descriptors are the generic ones G1–G5; a level 0 is added where the material lists none,
so that every mark scheme covers 0 to the question's marks. Check mark bands against a current
specification before real classroom use.
"""

from dataclasses import dataclass, field

NOTHING = "Nothing worthy of credit."

# (number, low, high, descriptor)
G1 = [
    (0, 0, 0, NOTHING),
    (1, 1, 5, "Limited, descriptive or inaccurate comment; little or no reference to provenance "
              "or context."),
    (2, 6, 10, "Some relevant comments on one or both sources; mainly content paraphrase or "
               "generic provenance (“it is biased because it is by Stalin”); little context; no "
               "real comparison."),
    (3, 11, 15, "Some understanding of both sources; comments on provenance and content with "
                "some context; judgement present but thinly supported or largely assertive."),
    (4, 16, 20, "Good understanding of both sources; provenance and content evaluated with "
                "relevant context; a judgement is reached and supported, though one source or "
                "one strand (e.g. tone) may be less developed."),
    (5, 21, 25, "Very good understanding of both sources' value for the stated issue; "
                "provenance (author, date, genre, audience, purpose), tone/emphasis and content "
                "evaluated in depth and linked to accurate, well-chosen context; a "
                "well-substantiated judgement on which is more valuable for the specific "
                "question."),
]  # fmt: skip

G2 = [
    (0, 0, 0, NOTHING),
    (1, 1, 6, "Descriptive, limited understanding; little evaluation."),
    (2, 7, 12, "Partial evaluation: mainly content, provenance comments generic, context "
               "limited; may omit a source."),
    (3, 13, 18, "Some evaluation of all three, or good evaluation of two; context present but "
                "general; some description."),
    (4, 19, 24, "Good evaluation of all three with relevant context; some imbalance or one "
                "source less developed."),
    (5, 25, 30, "Each source's value (and limitations) for the stated enquiry evaluated through "
                "provenance, tone and content, securely placed in accurate context; balanced, "
                "substantiated assessment for all three. No overall ranking required."),
]  # fmt: skip

G3 = [
    (0, 0, 0, NOTHING),
    (1, 1, 4, "Surface features and paraphrase; little context; assertion rather than "
              "evaluation."),
    (2, 5, 8, "Some analysis of one or both, mainly information selection/paraphrase; limited "
              "context; provenance noted but evaluation thin and mostly separate."),
    (3, 9, 14, "Analyses both sources, selecting key points and some inferences; context used "
               "to support points; evaluation against some explicit criteria, judgement partly "
               "developed, some attention to using them together."),
    (4, 15, 20, "Interrogates both sources with confidence, distinguishing information from "
                "claim/opinion and drawing reasoned inferences; deploys context to illuminate "
                "and to expose limitations; uses explicit, valid criteria (provenance, purpose, "
                "typicality, corroboration) to reach a sustained judgement on their combined "
                "use for the enquiry."),
]  # fmt: skip

G4 = [
    (0, 0, 0, NOTHING),
    (1, 1, 2, "Simple comprehension, little explanation."),
    (2, 3, 5, "Some relevant points with limited support from provenance or context."),
    (3, 6, 8, "Identifies and explains key points/inferences relevant to the enquiry, uses "
              "provenance (nature/purpose/authorship) and relevant context to explain value."),
]  # fmt: skip

G5 = [
    (0, 0, 0, NOTHING),
    (1, 1, 3, "Paraphrase, generic provenance, assertion."),
    (2, 4, 7, "Some analysis and some context, judgement limited."),
    (3, 8, 12, "Analyses the source's content and provenance, uses context to test its claims, "
               "and reaches a reasoned judgement on weight with explicit criteria."),
]  # fmt: skip

SCHEMES = {"G1": (25, G1), "G2": (30, G2), "G3": (20, G3), "G4": (8, G4), "G5": (12, G5)}


@dataclass(frozen=True)
class ExtendedSpec:
    scheme: str  # G1…G5: marks and levels
    prompt: str
    sources: tuple[str, ...]  # units.json labels attached as QuestionSources
    skill: str
    points: tuple[str, ...] = ()
    # Labels quoted in the prompt instead: passages the archive keeps as editors' notes, which
    # an Excerpt (a slice of a document's text) cannot point at.
    quoted: tuple[str, ...] = ()
    exemplar: tuple[int, str, str] | None = None  # (level number, answer, commentary)


@dataclass(frozen=True)
class ChoiceSpec:
    prompt: str
    options: tuple[str, ...]
    answer_index: int
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShortSpec:
    prompt: str
    accepted: tuple[str, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class GridSpec:
    prompt: str
    sources: tuple[str, ...]
    claims: tuple[tuple[str, dict], ...]
    marks: int = 3


@dataclass(frozen=True)
class AssessmentSpec:
    title: str
    instructions: str
    questions: list = field(default_factory=list)
    time_limit_minutes: int | None = None


@dataclass(frozen=True)
class UnitAssessments:
    key: str  # "U1", as in units.json
    check: AssessmentSpec  # objective questions, marked automatically
    exam: AssessmentSpec  # extended responses, marked by the teacher


CHECK_INSTRUCTIONS = (
    "Read the sources, then answer every question. Your answers are marked as soon as you "
    "submit. You have {minutes} minutes once you start."
)
EXAM_INSTRUCTIONS = (
    "Answer the questions in full paragraphs. Refer to the sources by their letters and use "
    "your own knowledge of the historical context. Your teacher marks these answers against the "
    "levels of the mark scheme."
)

U1 = UnitAssessments(
    key="U1",
    check=AssessmentSpec(
        title="Unit 1 source check: nationalities policy",
        instructions=CHECK_INSTRUCTIONS.format(minutes=20),
        time_limit_minutes=20,
        questions=[
            ChoiceSpec(
                "Where did Stalin deliver the speech in Source A?",
                ("Petrograd", "Helsingfors", "Kiev", "Tiflis"),
                1,
                ("A",),
            ),
            ChoiceSpec(
                "According to Source B, what must be the supreme organ of the Soviet Federation?",
                (
                    "the Council of People's Commissars",
                    "the Constituent Assembly",
                    "the Congress of Soviets",
                    "the Central Committee of the Party",
                ),
                2,
                ("B",),
            ),
            ChoiceSpec(
                "In which publication did Source D appear?",
                (
                    "Izvestia, No. 30, February 9, 1919",
                    "Pravda, No. 226, October 10, 1920",
                    "Zhizn Natsionalnostei, No. 2, November 17, 1918",
                    "Pravda, No. 273, December 4, 1920",
                ),
                1,
                ("D",),
            ),
            ChoiceSpec(
                "Which nation does Source D give as the example of a majority decision to "
                "secede “in 1917”?",
                ("Georgia", "Poland", "Finland", "Armenia"),
                2,
                ("D",),
            ),
            ShortSpec(
                "According to Source B, self-determination should be the right of whom? "
                "Answer in a few words from the source.",
                (
                    "the labouring masses",
                    "labouring masses",
                    "the labouring masses of the given nation",
                    "the laboring masses",
                ),
                ("B",),
            ),
            GridSpec(
                "For each claim, does the source agree, disagree, or say nothing about it?",
                ("B", "C"),
                (
                    (
                        "The conflicts with the border regions were about power, not about "
                        "nationality.",
                        {"B": "agree", "C": "agree"},
                    ),
                    (
                        "The Soviet government proclaimed the right of nations to secede.",
                        {"B": "agree", "C": "silent"},
                    ),
                    (
                        "Self-determination should be subordinated to the principles of socialism.",
                        {"B": "agree", "C": "silent"},
                    ),
                ),
            ),
        ],
    ),
    exam=AssessmentSpec(
        title="Unit 1 exam practice: why did self-determination change?",
        instructions=EXAM_INSTRUCTIONS,
        questions=[
            ExtendedSpec(
                "G1",
                "With reference to Sources A and D and your understanding of the historical "
                "context, which of these two sources is more valuable in explaining why the "
                "Bolshevik attitude to national self-determination changed between 1917 and 1920?",
                ("A", "D"),
                "sourcing",
                (
                    "A: a speech by the People's Commissar for Nationalities to a foreign "
                    "socialist congress within three weeks of October; its purpose was to win "
                    "over Finnish socialists.",
                    "A promises “Complete freedom” and “No tutelage, no supervision from above”, "
                    "but already treats freedom as a means to “mutual confidence”, “one army” "
                    "and “the international socialist revolution”: the 1917 baseline and its "
                    "instrumental logic.",
                    "Context for A: the Declaration of the Rights of the Peoples of Russia "
                    "(Lenin and Stalin); the decree recognising Finnish independence.",
                    "D: a signed Pravda article written after three years of revolution and "
                    "civil war; it explains the change explicitly: secession would leave the "
                    "border regions “vassals of the Entente” and the centre without raw "
                    "materials.",
                    "D calls the independence of Georgia, Armenia, Poland and Finland “only an "
                    "illusion”; the right to secede is “inalienable” but the demand is now "
                    "“profoundly counter-revolutionary”.",
                    "Context for D: the Polish war and Wrangel in 1920; the Sovietisation of "
                    "Azerbaijan and Armenia; Georgia still independent (invaded 1921).",
                    "Limitations: both are public self-justifications by the policy-maker; D is "
                    "silent on coercion.",
                    "Credit either judgement if substantiated: most answers will find D more "
                    "valuable for why, A essential for what changed.",
                ),
                exemplar=(
                    3,
                    "Source D is more valuable because it explains the reasons for the change. "
                    "Stalin says the independence of Georgia and Finland is “only an illusion” "
                    "and that secession is “counter-revolutionary”. It was written in 1920 "
                    "during the civil war, so it shows why the Bolsheviks needed the border "
                    "regions. Source A is from 1917 and promises “complete freedom”, so it shows "
                    "what the policy was before. However both are by Stalin so they may be "
                    "biased.",
                    "Level 3: some understanding of both sources with some context (1920, the "
                    "civil war); the judgement is present but thinly supported, and the "
                    "provenance comment at the end is generic.",
                ),
            ),
            ExtendedSpec(
                "G2",
                "With reference to Sources A, C and D and your understanding of the historical "
                "context, assess the value of these three sources to an historian studying "
                "Bolshevik attitudes to the independence of the non-Russian nationalities in "
                "the years 1917–1920.",
                ("A", "C", "D"),
                "sourcing",
                (
                    "A and D: as in the comparison question (speech to foreign socialists in "
                    "November 1917; Pravda article of October 1920).",
                    "C: an open reply signed as People's Commissar, aimed at Ukrainian "
                    "Bolsheviks, soldiers and sailors; it redefines the conflict with the Rada "
                    "as one about class power: “That, and not centralism, is the crux”.",
                    "Context for C: the Rada; the Sovnarkom ultimatum recognising the Ukrainian "
                    "Republic's right to secede; German occupation and the hetmanate.",
                    "Value of C: the class reinterpretation of self-determination already in "
                    "December 1917, i.e. continuity with D; limitation: a polemic with no Rada "
                    "voice.",
                    "Top answers assess all three on provenance (speech to foreigners / open "
                    "letter / Pravda article), timing (before and after the civil war) and "
                    "purpose.",
                ),
            ),
            ExtendedSpec(
                "G3",
                "How far could the historian make use of Sources B and C together to "
                "investigate why the Soviet government came into conflict with the Ukrainian "
                "Rada in 1917–18? Explain your answer, using both sources, the information "
                "given about them and your own knowledge of the historical context.",
                ("B", "C"),
                "corroboration",
                (
                    "B is a newspaper report in reported speech (“the speaker dwelt in detail "
                    "on the Rada”): compressed, not verbatim.",
                    "B claims the conflicts arose “not over issues of a national character, but "
                    "over the question of power” and that the Rada exploited self-determination "
                    "“in their imperialist class interests”.",
                    "C gives the same argument a month earlier in Stalin's own words.",
                    "Together: strong, consistent evidence of the Sovnarkom's official "
                    "justification across two genres and audiences; weak for the Rada's own "
                    "motives or for events on the ground (both from one side).",
                    "Context: the Third Congress of Soviets, 10–18 January 1918, and its "
                    "resolution on federal institutions moved by Stalin; the Rada's treaty with "
                    "the Central Powers at Brest, 27 January 1918; the Kharkov Soviet "
                    "government.",
                ),
            ),
            ExtendedSpec(
                "G4",
                "Why is Source B valuable to the historian for an enquiry into how the "
                "Bolsheviks justified limiting national self-determination in January 1918?",
                ("B",),
                "sourcing",
                (
                    "States that self-determination belongs “not of the bourgeoisie, but of the "
                    "labouring masses” and “should be subordinated to the principles of "
                    "socialism”.",
                    "Delivered to the supreme Soviet body, which approved the federal resolution.",
                    "A newspaper report shows how the line was publicised; the date is Old "
                    "Style (15 January 1918).",
                ),
            ),
            ExtendedSpec(
                "G5",
                "How much weight do you give the evidence of Source E for an enquiry into why "
                "Stalin was given responsibility for the nationalities in the Soviet "
                "government?",
                ("E",),
                "sourcing",
                (
                    "E is an unsourced learner revision card; it asserts Lenin chose Stalin “as "
                    "he was Georgian” with no evidence.",
                    "Plausible but incomplete: Stalin had written “Marxism and the National "
                    "Question” in 1912–13 and was appointed by the Second Congress of Soviets "
                    "on 26 October 1917.",
                    "Limited weight: a prompt for enquiry, not evidence.",
                ),
            ),
        ],
    ),
)

U3 = UnitAssessments(
    key="U3",
    check=AssessmentSpec(
        title="Unit 3 source check: who made October?",
        instructions=CHECK_INSTRUCTIONS.format(minutes=20),
        time_limit_minutes=20,
        questions=[
            ChoiceSpec(
                "In Source A, whose proposal does Stalin recommend adopting?",
                (
                    "Trotsky's",
                    "the advocates of a revolutionary war",
                    "Lenin's proposal for the conclusion of peace with the Germans",
                    "the Left SRs'",
                ),
                2,
                ("A",),
            ),
            ChoiceSpec(
                "Where was Source B first published, according to its header?",
                (
                    "Izvestia, No. 205",
                    "Pravda, No. 241",
                    "Zhizn Natsionalnostei, No. 1",
                    "Petrogradskaya Pravda, No. 244",
                ),
                1,
                ("B",),
            ),
            ShortSpec(
                "According to Source B, on which evening was Lenin called to the Smolny to take "
                "charge of the movement? Give the date.",
                ("October 24", "24 October", "24th October", "October 24th", "24 Oct", "Oct 24"),
                ("B",),
            ),
            ChoiceSpec(
                "Which website gives an incorrect New-Style date for 25 October 1917?",
                (
                    "the USSR index page (Source D)",
                    "the Stalin biography page (Source E)",
                    "neither",
                ),
                1,
                ("D", "E"),
            ),
            GridSpec(
                "For each claim, does the source agree, disagree, or say nothing about it?",
                ("B", "E"),
                (
                    (
                        "The Central Committee headed by Lenin was the moving spirit of the "
                        "revolution.",
                        {"B": "agree", "E": "silent"},
                    ),
                    (
                        "Soviet history was rewritten around Lenin and Stalin.",
                        {"B": "silent", "E": "agree"},
                    ),
                    (
                        "The Baltic sailors and the Vyborg Red Guards played an outstanding role.",
                        {"B": "agree", "E": "silent"},
                    ),
                ),
            ),
        ],
    ),
    exam=AssessmentSpec(
        title="Unit 3 exam practice: Trotsky and the rewriting of October",
        instructions=EXAM_INSTRUCTIONS,
        questions=[
            ExtendedSpec(
                "G1",
                "With reference to Sources A and D and your understanding of the historical "
                "context, which of these two sources is more valuable in explaining why the "
                "Bolshevik leaders divided over peace with Germany in 1918?",
                ("A", "D"),
                "sourcing",
                (
                    "A: contemporary minutes of the Central Committee (a summary in the third "
                    "person: “Comrade Stalin considers”), 11 January 1918 (Old Style).",
                    "A sets out three positions (revolutionary war, Trotsky's, Lenin's peace) "
                    "and the reasoning: revolution in the West “exists only in potential”; a "
                    "German advance would strengthen the counter-revolution.",
                    "Limitations of A: only Stalin's intervention, summarised, no vote; as "
                    "printed in the 1953 Works.",
                    "D: a partisan website that blames Trotsky's “individualistic decision” for "
                    "lives and territory lost; no evidence; retrospective Stalinist framing.",
                    "Context: Trotsky's “neither war nor peace”; the German offensive from 18 "
                    "February 1918; the treaty signed in March 1918.",
                    "A is far more valuable for explaining the division; D is evidence of later "
                    "memory.",
                ),
            ),
            ExtendedSpec(
                "G2",
                "With reference to Sources B, C and E and your understanding of the historical "
                "context, assess the value of these three sources to an historian studying how "
                "the history of the October Revolution was presented in the Soviet Union.",
                ("B", "E"),
                "sourcing",
                (
                    "B: a first-anniversary article by a participant (Pravda, 6 November 1918) "
                    "crediting “the Central Committee of the Party, headed by Comrade Lenin”; "
                    "in the 1953 text, no Trotsky.",
                    "C: a modern transcriber's note stating that the Moscow editors omitted the "
                    "end of the paragraph, and quoting the 1936 translation: the practical work "
                    "was directed by Trotsky. Direct evidence of editorial suppression, but it "
                    "depends on a translation.",
                    "E: a 2014 web summary generalising that history was rewritten around "
                    "“just two key characters: Lenin and Stalin”; unreferenced but consistent "
                    "with B and C.",
                    "Context: Trotsky's expulsion (1927) and exile (1929); the Works as a "
                    "Stalin-era edition; the purges and the 1938 Short Course.",
                ),
                quoted=("C",),
            ),
            ExtendedSpec(
                "G3",
                "How far could the historian make use of Sources B and C together to "
                "investigate Trotsky's role in the October insurrection?",
                ("B",),
                "corroboration",
                (
                    "Together they show that Stalin in 1918 did credit Trotsky with directing "
                    "the practical work and winning over the garrison (C), while the edited B "
                    "credits Lenin, the Central Committee, the sailors and the Red Guards.",
                    "Testimony of a later rival in Trotsky's favour carries weight (it is "
                    "against interest), but C is secondary (a translation and an editor's note).",
                    "Both are narratives, not records of the Military Revolutionary Committee; "
                    "B's claim that Lenin was called to the Smolny on 24 October needs "
                    "corroboration.",
                ),
                quoted=("C",),
            ),
            ExtendedSpec(
                "G4",
                "Why is Source A valuable to the historian for an enquiry into Stalin's "
                "attitude to world revolution in January 1918?",
                ("A",),
                "sourcing",
                (
                    "“There is no revolutionary movement in the West … It exists only in "
                    "potential”; “we need time”: an early priority for consolidating Soviet "
                    "power (compare Socialism in One Country).",
                    "An internal party forum, so relatively candid; summary minutes.",
                ),
            ),
            ExtendedSpec(
                "G5",
                "How much weight do you give the evidence of Source D for an enquiry into "
                "Trotsky's role in the Brest-Litovsk negotiations?",
                ("D",),
                "sourcing",
                (
                    "Little weight as evidence of 1918 events: an explicit political purpose, "
                    "hostile vocabulary (“anti-Bolshevik”), anonymous, undated (2021 or later), "
                    "no sources.",
                    "Partly factual (Trotsky did refuse to sign in February 1918; losses "
                    "followed) but the causal claim is asserted.",
                    "Considerable weight as evidence of present-day Stalinist memory.",
                ),
            ),
        ],
    ),
)

UNITS = [U1, U3]

# Demo answers for extended questions, rotated between students.
ESSAY_OPENINGS = [
    "Source {a} is valuable because of its provenance: it was written by Stalin as People's "
    "Commissar, so it shows the official line at the time. ",
    "The tone of Source {a} is confident and it is aimed at an audience the Bolsheviks needed "
    "to win over, which affects how far we can trust it. ",
    "Source {a} tells us what the Soviet government wanted people to believe, not necessarily "
    "what happened. ",
]
ESSAY_DEVELOPMENT = [
    "However, the context of the civil war helps explain why the policy changed, and the "
    "source should be read with that in mind.",
    "It is limited because it gives only one side, and we hear nothing from the people it "
    "describes.",
    "Compared with the other sources it is more useful for explaining why, but less for what "
    "actually happened on the ground.",
]
