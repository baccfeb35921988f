"""Content check run before a sequence may start.

Three outcomes, from strongest to weakest:

* **Refusal** — the sequence must not start. Only one rule refuses: gambling
  content sent to any +1 (US/Canada) number, which US carriers and the CTIA
  messaging guidelines forbid over business (A2P) texting.
* **Warning** — the user must read and accept it: restricted content (SHAFT:
  sex/adult, hate, alcohol, firearms, tobacco/vaping; cannabis/CBD; high-risk
  lending and debt relief; debt collection), and gambling to non-+1 numbers.
* **Reminder** — advice: the first step has no opt-out wording.

Matching is keyword based, on a normalised copy of the text (format characters
and diacritics removed, NFKC, casefold, Cyrillic/Greek look-alike letters mapped
to Latin), with common character swaps ("c4sino", "$ex") and word boundaries,
so "Sussex" does not hit "sex" and "begin" does not hit "gin". A small list of
harmless phrases per category is blanked before matching ("glue gun", "weed
control", "shotgun wedding", "shrimp cocktail").
It is a tripwire for obvious content, not a guarantee: carriers apply their own
filters, and spelling tricks beyond the simple swaps (spaced-out letters) are
not caught, on purpose, to keep false alarms rare. Keywords are English.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Finding:
    category: str
    step_index: int | None  # 0-based step, None when not about one step
    message: str
    matched: str | None  # normalised text that triggered the rule


@dataclass(frozen=True, slots=True)
class ComplianceResult:
    refusals: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    reminders: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing forbids starting (warnings still need the user's consent)."""
        return not self.refusals


@dataclass(frozen=True, slots=True)
class ContentMatch:
    category: str
    matched: str
    refusable: bool  # strong gambling wording: refused when sent to +1 numbers


# --------------------------------------------------------------------------- patterns

# Characters people swap in to dodge filters. Digits are only treated as letters
# inside the keyword pattern, so a plain "420" or "$5" in the text changes nothing.
_SWAPS: Final[dict[str, str]] = {
    "a": "a4@",
    "e": "e3",
    "i": "i1!|",
    "l": "l1|",
    "o": "o0",
    "s": "s5$",
    "t": "t7",
}
_SEPARATOR: Final = r"[\s\-_.]*"  # "slot machine", "slot-machine", "slotmachine"


def _compile_term(term: str) -> str:
    """Turn "casino(s)" into a regex: letters allow swaps, "(...)" is optional."""
    out: list[str] = []
    for ch in term:
        if ch == "(":
            out.append("(?:")
        elif ch == ")":
            out.append(")?")
        elif ch in " -":
            out.append(_SEPARATOR)
        elif ch in _SWAPS:
            out.append("[" + re.escape(_SWAPS[ch]) + "]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _pattern(terms: str) -> re.Pattern[str]:
    """Compile a comma-separated term list into one boundary-aware pattern."""
    items = [t.strip() for t in terms.split(",") if t.strip()]
    # Longest first so "online casinos" is reported rather than a shorter piece.
    body = "|".join(_compile_term(t) for t in sorted(items, key=len, reverse=True))
    # \w-based boundaries work for any script; the swaps ($, @, !) are not \w,
    # so they need the explicit look-arounds rather than \b.
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


@dataclass(frozen=True, slots=True)
class _Rule:
    category: str
    pattern: re.Pattern[str]
    harmless: re.Pattern[str] | None  # phrases blanked out before matching
    refusable: bool = False


def _rule(category: str, terms: str, harmless: str = "", refusable: bool = False) -> _Rule:
    return _Rule(category, _pattern(terms), _pattern(harmless) if harmless else None, refusable)


# Term syntax: letters allow the swaps above, "(...)" is optional, a space or
# hyphen matches any run of spaces, hyphens, dots or underscores (or nothing).
_RULES: Final[tuple[_Rule, ...]] = (
    _rule(
        "gambling",
        "casino(s), gambling, sportsbook(s), sports bet(s), sports betting, betting odds, "
        "betting tips, betting site(s), betting app(s), free bet(s), wagering, poker, blackjack, "
        "roulette, baccarat, slot machine(s), online slots, free spins, bookmaker(s), bookie(s), "
        "odds boost, daily fantasy",
        "poker face, fire poker(s), fireplace poker(s), russian roulette",
        refusable=True,
    ),
    # Words that often, but not always, mean gambling ("I'd wager you'll love it",
    # "parlay your skills", "your best bet now"): a warning, never a refusal.
    _rule(
        "gambling",
        "gamble, gambler(s), jackpot(s), lottery, lotto, wager(s), wagered, parlay(s), bet now, "
        "place a bet, place your bet(s)",
    ),
    _rule(
        "adult",
        "sex, sexy, porn, porno, pornography, xxx, nude(s), naked, nsfw, escort service(s), "
        "escort agency, erotic, erotica, adult entertainment, adult content, adult video(s), "
        "adult toy(s), sex toy(s), strip club(s), onlyfans, camgirl(s)",
        "naked eye, sex offender(s), xxx-xxx(-xxxx), xxx-xxxx, nude color(s), nude colour(s), "
        "nude heel(s), nude lip(s), nude lipstick(s), nude polish, nude shade(s), nude tone(s), "
        "nude nail(s), nude pump(s)",
    ),
    _rule(
        "hate",
        "white power, white supremacy, white supremacist(s), heil hitler, nazi(s), neo-nazi(s), "
        "kkk, ku klux klan, race war, ethnic cleansing",
        "grammar nazi(s), soup nazi",
    ),
    _rule(
        "alcohol",
        "beer(s), wine(s), liquor, vodka, whiskey, whisky, tequila, rum, gin, bourbon, "
        "cocktail(s), brewery, winery, happy hour, champagne, booze, margarita(s), mimosa(s), "
        "open bar",
        "cocktail dress(es), cocktail attire, shrimp cocktail, fruit cocktail, gin rummy, "
        "root beer(s), ginger beer(s)",
    ),
    _rule(
        "firearms",
        "gun(s), firearm(s), rifle(s), shotgun(s), pistol(s), handgun(s), ammo, ammunition, "
        "ar-15, glock(s), gun show(s), concealed carry, suppressor(s), silencer(s)",
        "glue gun(s), nail gun(s), heat gun(s), spray gun(s), staple gun(s), caulk gun(s), "
        "caulking gun(s), grease gun(s), paint gun(s), massage gun(s), water gun(s), "
        "nerf gun(s), radar gun(s), top gun, shotgun wedding(s), shotgun start, smoking gun, "
        "jump the gun, jumped the gun, big gun(s), son of a gun, rifle through, "
        "surge suppressor(s)",
    ),
    _rule(
        "tobacco",
        "tobacco, cigarette(s), cigar(s), cigarillo(s), vape(s), vaping, vaper(s), e-cig(s), "
        "e-cigarette(s), e-liquid(s), e-juice, juul, nicotine, hookah, smoke shop(s), snus, zyn",
    ),
    _rule(
        "cannabis",
        "cannabis, marijuana, marihuana, thc, cbd, delta-8, delta-9, dispensary, dispensaries, "
        "weed, edibles, pre-roll(s), kush, 420 friendly",
        "weed control, weed killer(s), weed whacker(s), weed eater(s), weed barrier, "
        "weed removal, weed prevention, weed spray, weed free, weed and feed, "
        "edible arrangements, cbd office, cbd area",
    ),
    _rule(
        "high_risk_lending",
        "payday loan(s), payday lending, payday advance(s), cash advance(s), guaranteed approval, "
        "guaranteed loan(s), no credit check, title loan(s), instant loan(s), bad credit loan(s), "
        "debt relief, debt consolidation, debt settlement, debt forgiveness, loan forgiveness, "
        "credit repair",
    ),
    _rule(
        "debt_collection",
        "debt collector(s), debt collection, collection agency, collections agency, "
        "sent to collections, turned over to collections, past due balance, past due amount, "
        "past due account, overdue balance, outstanding debt, final notice, pay your debt, "
        "owe a debt",
    ),
)

#: Human labels of the categories, for the UI.
CATEGORY_LABELS: Final[dict[str, str]] = {
    "gambling": "Gambling",
    "adult": "Sexual or adult content",
    "hate": "Hate speech",
    "alcohol": "Alcohol",
    "firearms": "Firearms",
    "tobacco": "Tobacco or vaping",
    "cannabis": "Cannabis or CBD",
    "high_risk_lending": "High-risk lending or debt relief",
    "debt_collection": "Debt collection",
    "opt_out": "Opt-out wording",
}

# Opt-out wording. "STOP" counts when written in capitals (a plain "stop by our
# store" does not), or in any case when it is an instruction ("reply stop").
_OPT_OUT_ANY_CASE: Final = re.compile(
    r"(?<!\w)(?:unsubscribe|opt[\s\-]*out|stopall|"
    r"(?:reply|text|send|txt|respond)(?:\s+with)?\W{0,3}(?:stop|end|cancel|quit|unsubscribe)"
    r"|stop\W{0,3}(?:to|2)\s*(?:end|opt|unsubscribe|cancel|quit|stop))(?!\w)"
)
_OPT_OUT_CAPS: Final = re.compile(r"(?<![A-Za-z0-9])STOP(?![A-Za-z])")  # "STOP2END" too

_REFUSE_GAMBLING: Final = (
    "{step} mentions gambling ({quote}). US and Canadian carriers (CTIA guidelines) do not "
    "allow gambling content in business text messages, and this sequence goes to +1 numbers. "
    "Remove the gambling wording or leave out the US and Canadian leads."
)
_WARN_GAMBLING: Final = (
    "{step} mentions gambling ({quote}). Many countries and carriers restrict gambling texts; "
    "check the rules where your leads live before sending."
)
_WARN_RESTRICTED: Final = (
    "{step} may contain {label} ({quote}). Carriers restrict this kind of content and may "
    "block the messages or your number unless your registration covers it. Send only if you "
    "are sure it is allowed."
)
_REMIND_OPT_OUT: Final = (
    "The first message does not say how to stop receiving texts. Carriers expect it: add "
    "something like “Reply STOP to opt out”."
)


# --------------------------------------------------------------------------- text

# Cyrillic and Greek letters that look like Latin ones ("cаsino" with a Cyrillic
# "а"). Applied after casefolding, so only lower-case forms are needed. A word
# wholly in those scripts rarely spells an English keyword, so real Russian or
# Greek text is not at risk of false alarms.
_LOOKALIKES: Final = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0455\u0458\u0501"  # а е о р с у х і ѕ ј ԁ
    "\u03b1\u03b5\u03b9\u03ba\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7",  # α ε ι κ ν ο ρ τ υ χ
    "aeopcyxisjdaeikvoptux",
)


def normalize(text: str) -> str:
    """The form content rules match against; total over any str (never raises)."""
    kept: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cf", "Cs"):
            # Zero-width and bidi marks, soft hyphens, lone surrogates: invisible
            # and used to split words past filters, so drop them entirely.
            continue
        kept.append(" " if category == "Cc" else ch)  # NUL, tabs, newlines: separators
    decomposed = unicodedata.normalize("NFKD", "".join(kept))
    # Dropping combining marks turns "cásino" into "casino" (and full-width
    # letters were already folded by NFKD).
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFKC", stripped.casefold())
    return folded.translate(_LOOKALIKES)


def scan_body(body: str) -> tuple[ContentMatch, ...]:
    """Restricted content in one body: at most one match per rule, in rule order."""
    text = normalize(body)
    found: list[ContentMatch] = []
    for rule in _RULES:
        haystack = rule.harmless.sub(" ", text) if rule.harmless else text
        match = rule.pattern.search(haystack)
        if match is not None:
            found.append(ContentMatch(rule.category, match.group(0), rule.refusable))
    return tuple(found)


def has_opt_out_wording(body: str) -> bool:
    """True when the body tells people how to stop messages ("Reply STOP to opt out")."""
    folded = unicodedata.normalize(
        "NFKC", "".join(ch for ch in body if unicodedata.category(ch) not in ("Cf", "Cs"))
    )
    return bool(_OPT_OUT_CAPS.search(folded) or _OPT_OUT_ANY_CASE.search(folded.casefold()))


def is_nanp(phone: object) -> bool:
    """True for a +1 number (US, Canada and the other North American Numbering Plan members)."""
    return isinstance(phone, str) and phone.strip().startswith("+1")


def _any_nanp(phones: Iterable[str]) -> bool:
    # any() stops at the first +1 number, so a generator of 100 000 numbers is
    # only consumed as far as needed and never stored.
    return any(is_nanp(phone) for phone in phones)


# --------------------------------------------------------------------------- check


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:]


def check_sequence(
    step_bodies: Sequence[str], recipient_phones_e164: Iterable[str]
) -> ComplianceResult:
    """Check every step's text against the rules above.

    ``recipient_phones_e164`` is only read when some step has strong gambling
    wording, and then only up to the first +1 number.
    """
    refusals: list[Finding] = []
    warnings: list[Finding] = []
    bodies = [body if isinstance(body, str) else "" for body in step_bodies]
    to_nanp: bool | None = None  # decided lazily: reading the phones may be costly

    for index, body in enumerate(bodies):
        matches = scan_body(body)
        strong_gambling = any(m.refusable for m in matches)
        for match in matches:
            if match.category == "gambling" and strong_gambling and not match.refusable:
                continue  # the step's strong gambling match already covers it
            words = {
                "step": f"Step {index + 1}",
                "quote": f"“{match.matched}”",
                "label": _lower_first(CATEGORY_LABELS[match.category]),  # keeps "CBD"
            }
            if not match.refusable:
                text = _WARN_GAMBLING if match.category == "gambling" else _WARN_RESTRICTED
                warnings.append(Finding(match.category, index, text.format(**words), match.matched))
                continue
            if to_nanp is None:
                to_nanp = _any_nanp(recipient_phones_e164)
            target, text = (refusals, _REFUSE_GAMBLING) if to_nanp else (warnings, _WARN_GAMBLING)
            target.append(Finding("gambling", index, text.format(**words), match.matched))

    reminders: list[Finding] = []
    if bodies and not has_opt_out_wording(bodies[0]):
        reminders.append(Finding("opt_out", 0, _REMIND_OPT_OUT, None))
    return ComplianceResult(tuple(refusals), tuple(warnings), tuple(reminders))
