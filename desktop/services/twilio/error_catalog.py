"""Plain-language explanations of Twilio error codes, for a small-business owner.

Used for the error info icon's tooltip in the lead history and for CSV exports.
``retryable`` answers one question: can sending the same message to the same
number again, later, succeed without the owner changing anything? Errors that
need a fix first (credentials, registration, a wrong number) are not retryable.

The wording lives in ``_SOURCE``, a small plain-text format, so it reads (and is
reviewed) like prose rather than as hundreds of quoted fragments:

    @ <code> <retry|final> | <title>
    explanation, any number of lines
    - a likely cause
    + something to do
      (indented lines continue the bullet above)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class ErrorExplanation:
    code: int | None
    title: str
    explanation: str
    causes: tuple[str, ...]
    what_to_do: tuple[str, ...]
    retryable: bool

    @property
    def heading(self) -> str:
        """First line, e.g. "Error 30008 — Unknown error"; the code is not shown twice."""
        if self.code is None or self.title.startswith(f"Error {self.code}"):
            return self.title
        return f"Error {self.code} — {self.title}"

    def as_text(self) -> str:
        """Multi-line plain text for tooltips and CSV cells."""
        lines = [self.heading, self.explanation]
        if self.causes:
            lines.append("Likely causes:")
            lines.extend(f"• {cause}" for cause in self.causes)
        if self.what_to_do:
            lines.append("What to do:")
            lines.extend(f"• {step}" for step in self.what_to_do)
        lines.append(
            "Resending later may work."
            if self.retryable
            else "Resending as it is will not help until the cause is fixed."
        )
        return "\n".join(lines)


_SOURCE: Final = """
@ 30001 retry | Too many messages waiting to be sent
More messages were waiting to go out from your number than Twilio could send in time, so this
one was dropped before it was sent.
- A large list was started all at once from a single number.
- Another sequence or program was sending from the same number at the same time.
+ Resend later, when the backlog has cleared.
+ Lower the sending rate in Settings, or spread the sequence over more time.
+ For large lists, send through a Twilio Messaging Service with several numbers.

@ 30002 final | Your Twilio account is suspended
Twilio did not send the message because the account it came from is suspended or closed.
- A payment problem or an unpaid balance.
- Twilio suspended the account after a compliance review or spam complaints.
- The account (or sub-account) was closed.
+ Sign in to the Twilio Console and check the account status and billing.
+ Contact Twilio Support to find out what is needed to reactivate it.
+ Pause your sequences until the account is active again.

@ 30003 retry | The recipient's phone could not be reached
The carrier tried to deliver the message, but the phone was not reachable at that moment.
- The phone is switched off or its battery is flat.
- The phone has no signal or is outside its carrier's coverage.
- The phone's message storage is full.
- The line is temporarily suspended by the carrier.
+ Resend later, for example in a few hours or the next day.
+ If it keeps failing, confirm the number with the lead another way.

@ 30004 final | The message was blocked by the recipient or their carrier
The carrier refused to pass the message on to the phone. Usually the recipient has blocked your
number, or their plan blocks this kind of message.
- The recipient blocked your number on their phone or with their carrier.
- Their plan blocks business texts (some prepaid, family or parental-control plans).
- The number is on a carrier block list.
+ Do not keep resending: it will be blocked again.
+ Reach the lead another way and ask whether they want your texts; if not, mark them opted out.

@ 30005 final | The number does not exist or is no longer active
The carrier says this number is not in service: unknown, disconnected or deactivated.
- A typo in the number.
- The lead changed numbers and the old one was disconnected.
- The number was never an active mobile line.
+ Check the number in the lead's record for typos.
+ Ask the lead for their current mobile number and update the record.

@ 30006 final | The number cannot receive texts (landline or unreachable carrier)
The number is a landline, or it belongs to a carrier that Twilio cannot deliver texts to.
- It is a landline or an office phone.
- It is an internet (VoIP) or small carrier's number that does not accept texts from Twilio.
- Rarely, the recipient's carrier was temporarily unreachable.
+ Ask the lead for a mobile number, or call them instead.
+ Update the lead's record so future sequences skip this number.

@ 30007 final | The carrier filtered the message as possible spam
The recipient's carrier (or Twilio) judged the message to be spam or content that is not
allowed, and did not deliver it.
- The wording looks like spam: public link shorteners, all capitals, prize or 'free money'
  language, pressure to act now.
- The content is restricted (gambling, adult, cannabis, loans and so on).
- Your number is not registered for business texting (A2P 10DLC or toll-free verification), or
  has a low trust score.
- Many recipients complained, or the same text went to very many people.
+ Rewrite the message plainly: say who you are, avoid shortened links, and add 'Reply STOP to
  opt out'.
+ Make sure your sender is registered with Twilio (A2P 10DLC or toll-free verification).
+ Only text people who agreed to hear from you.

@ 30008 retry | Unknown error
The message was not delivered and the recipient's carrier gave no detail about why, so Twilio
can only report this catch-all error.
- The phone is off or cannot receive messages right now.
- The phone is roaming or off-network (away from its carrier's home network).
- The problem is on the device itself (settings, storage or software): test by texting another
  phone on the same carrier.
+ Resend later: this is often temporary.
+ If it keeps failing for this lead, ask them to restart the phone and check that texts from
  other numbers arrive.
+ Text another phone on the same carrier. If that fails too, contact Twilio Support with the
  message details.

@ 30017 retry | The carrier's network was congested
The recipient's carrier was overloaded (mostly with picture messages) and did not accept the
message, even after Twilio tried again.
- A busy period on the carrier's network.
- Many picture messages were sent at once.
+ Resend later.
+ Spread large sends over more time, or lower the sending rate in Settings.

@ 30022 retry | Sent faster than your US registration allows
US carriers refused the message because your number sent faster than the limit of your
registered A2P 10DLC campaign.
- The sending rate in Settings is above your campaign's allowed rate.
- Several sequences were running at once under the same campaign.
- Many messages went to the same phone in a short time.
+ Lower the sending rate in Settings, then resend.
+ Ask Twilio whether a better trust score or campaign type raises your limit.

@ 30023 retry | Daily sending limit reached
A carrier's daily limit for your number or registration has been reached, so further messages
are refused until the limit resets, usually the next day.
- You sent more today than your registration allows.
- A low-volume or sole-proprietor registration has a small daily limit.
- Other apps send under the same registration and share the limit.
+ Resend tomorrow, and spread big lists over several days.
+ Ask Twilio about a registration with a higher daily limit.

@ 30027 retry | T-Mobile's daily limit for your business reached
T-Mobile caps how many business texts each registered brand may send to its customers per day,
based on your trust score. Today's cap was reached; it resets at midnight US Pacific time.
- A large send to T-Mobile customers (including Sprint and Metro).
- A low trust score, which gives a low daily cap.
- Other platforms sending under the same brand use up the same cap.
+ Resend after midnight US Pacific time, and spread large lists over several days.
+ Improve your brand registration (secondary vetting) to raise the cap.

@ 30032 final | Toll-free number not verified
Your sender is a toll-free number (800, 888, 877 and so on) that has not passed Twilio's
toll-free verification, so US and Canadian carriers block its texts.
- Verification was never submitted.
- Verification is still pending or was rejected.
+ Submit or fix the toll-free verification in the Twilio Console.
+ Wait for approval before resending, or send from a registered number meanwhile.

@ 30034 final | Sender not registered for US business texting (A2P 10DLC)
US carriers only accept business texts from ordinary 10-digit numbers that are registered to an
approved brand and campaign. Your number is not, so the message was blocked.
- Brand or campaign registration was never completed.
- The campaign is still pending or was rejected.
- The number is not in the Messaging Service linked to the approved campaign.
+ Complete A2P 10DLC registration in the Twilio Console.
+ Add the number to the Messaging Service of the approved campaign.
+ Resend once the campaign is approved.

@ 30036 retry | The message waited too long and expired
The message stayed in Twilio's sending queue longer than it was allowed to wait (its validity
period), so Twilio dropped it without sending.
- A big list was queued faster than your number can send.
- The validity period is set very short.
- Carrier rate limits slowed sending down.
+ Resend if the message is still relevant.
+ Lower the sending rate or send smaller batches.
+ Lengthen the validity period in your Messaging Service settings.

@ 30410 retry | The carrier connection timed out
The network partner Twilio uses to reach the carrier had a problem or answered too slowly. To
avoid sending twice, Twilio marked the message failed instead of retrying.
- A temporary outage or slowdown at the carrier or its partner.
+ Resend later.
+ Check status.twilio.com; contact Twilio Support if it continues.

@ 30450 retry | Temporarily blocked by Twilio's fraud protection
Twilio's SMS pumping protection saw unusual traffic to this number or region and blocked
messages to it for a while, typically 15 to 30 minutes.
- Unusual sending patterns to this number, prefix or country.
- The destination matches a pattern linked to SMS fraud.
- Repeated attempts extended the block.
+ Wait, then resend.
+ Check your lead list for unexpected foreign or premium numbers.
+ If real leads keep being blocked, contact Twilio Support with a few message IDs.

@ 30610 retry | Blocked during quiet hours at the recipient's location
Twilio's compliance tools blocked this message because it would have arrived during quiet hours
in the recipient's local time (in the US, roughly 9 pm to 8 am, stricter in some states).
- The send time fell inside quiet hours for the recipient's area code or ZIP code.
- The message was treated as marketing rather than an essential notice.
- Twilio's quiet-hours option is set to block instead of reschedule.
+ Resend during the recipient's daytime.
+ Set TextDesk's quiet hours in Settings so sequences pause overnight.
+ Check the time zones of your leads.

@ 21211 final | The phone number is not valid
Twilio refused the message because the recipient's number is not a valid phone number. Nothing
was sent.
- A typo, or a missing or extra digit.
- The country code is missing (US and Canadian numbers start with +1).
- Letters, a placeholder or a note instead of a number.
+ Fix the number in the lead's record, in international form (+ and the country code).
+ Re-import the lead if the original file was wrong.

@ 21408 final | Texting this country is not enabled
Your Twilio account is not allowed to text numbers in this country. Twilio switches most
countries off by default to protect against fraud.
- The destination country is off in Twilio's messaging geographic permissions.
- A wrong country code makes a local number look foreign.
+ Check the number and its country code.
+ If you do mean to text that country, enable it in the Twilio Console (Messaging, Settings,
  Geo permissions), then resend.

@ 21610 final | The recipient unsubscribed (replied STOP)
This person replied STOP (or another opt-out word) to your number, so Twilio will not deliver
your texts to them. Carrier rules and the law require you to respect that.
- They texted STOP, UNSUBSCRIBE, CANCEL, END or QUIT to your number.
- They opted out during an earlier sequence from the same number.
+ Do not resend; keep the lead marked as opted out.
+ Only if they text START to your number may you message them again.

@ 21611 retry | Too many messages queued on your number
Twilio holds only a limited backlog for each sending number (about 10 hours of sending at its
rate). More messages were added than it could take, so this one was refused.
- A very large list sent from a single number.
- A sending rate set higher than the number can actually send.
+ Resend later, once the backlog has cleared.
+ Lower the sending rate, or send through a Messaging Service with more numbers.

@ 21614 final | The number is not a mobile phone
Twilio found that this number cannot receive text messages; usually it is a landline.
- It is a landline, fax or office line.
- A typo turned it into a different, non-mobile number.
+ Ask the lead for a mobile number and update the record.

@ 21617 final | The message is too long
Twilio refuses messages longer than 1,600 characters, counted after the merge fields are filled
in.
- The step text is long, or long links.
- Merge fields such as long names pushed it over the limit.
+ Shorten the step, or split it into two steps.
+ Watch the character counter in the composer.

@ 21620 final | A picture or file link is not valid
Twilio could not use one of the media links. Each must be a complete, public http:// or
https:// address of a file that Twilio can download.
- A typo in the link.
- The link needs a login, points to your own computer, or is a preview page rather than the
  file itself.
- The file was removed, or its type is not supported.
+ Open the link in a private browser window to check that it shows the file.
+ Use a direct link to the file and update the step's media.

@ 21623 final | Too many pictures or files attached
One message can carry at most 10 media files.
- More than 10 media links on one step.
+ Remove some files, or spread them over several steps.

@ 20003 final | Twilio rejected TextDesk's login details
Twilio refused the request because the Account SID and Auth Token (or API key) that TextDesk
used are wrong, out of date, or belong to an inactive account. Nothing was sent.
- The Auth Token was changed in Twilio but not in TextDesk, or was mistyped.
- The Account SID and token come from different accounts or sub-accounts.
- The account is suspended or closed.
+ Copy the Account SID and Auth Token again from the Twilio Console into Settings.
+ Check in the Console that the account is active, then resend.

@ 20429 retry | Too many requests: Twilio asked TextDesk to slow down
TextDesk sent requests to Twilio faster than Twilio accepts. The message was not taken this
time but can be sent again shortly.
- A high sending rate in Settings.
- Other copies of TextDesk or other apps use the same Twilio account at once.
+ Resend after a short pause; TextDesk can do this on its own.
+ Lower the sending rate, or close other programs using the same account.

@ 14107 retry | Too many messages to the same number in a short time
Twilio stopped this message because more than 30 messages went between your number and this
recipient within 30 seconds, which looks like a runaway loop. Such messages are not charged.
- The same lead appears several times, or steps follow each other with no delay.
- An auto-reply loop with another automated number.
- A script or integration sending the same text over and over.
+ Check for duplicate leads and add delays between steps.
+ Resend after a minute.
+ Turn off auto-replies that answer other machines.
"""

_HEADER = re.compile(r"@ (\d+) (retry|final) \| (.+)")


def _parse(source: str) -> dict[int, ErrorExplanation]:
    """Read ``_SOURCE``; a malformed block fails at import, i.e. in every test run."""
    catalog: dict[int, ErrorExplanation] = {}
    for block in source.strip().split("\n@ "):
        lines = block.removeprefix("@ ").splitlines()
        header = _HEADER.fullmatch("@ " + lines[0])
        if header is None:
            raise ValueError(f"bad catalog header: {lines[0]!r}")
        text: list[str] = []
        causes: list[str] = []
        todo: list[str] = []
        current = text
        for line in lines[1:]:
            if line.startswith(("- ", "+ ")):
                current = causes if line[0] == "-" else todo
                current.append(line[2:])
            elif line.startswith("  ") and current is not text:
                current[-1] += " " + line.strip()
            elif line.strip():
                text.append(line.strip())
        code = int(header[1])
        catalog[code] = ErrorExplanation(
            code=code,
            title=header[3].strip(),
            explanation=" ".join(text),
            causes=tuple(causes),
            what_to_do=tuple(todo),
            retryable=header[2] == "retry",
        )
    return catalog


#: Every code TextDesk explains, keyed by Twilio error code. Read-only.
CATALOG: Final[Mapping[int, ErrorExplanation]] = MappingProxyType(_parse(_SOURCE))

_NUMBER = re.compile(r"\d{1,9}(?:\.0+)?")


def _no_code() -> ErrorExplanation:
    return ErrorExplanation(
        code=None,
        title="No error code",
        explanation="The message did not go through, but no error code was reported with it.",
        causes=("The carrier or Twilio did not say why.",),
        what_to_do=(
            "Look the message up in the Twilio Console's messaging logs for details.",
            "If other messages to the same lead arrive, this one can be resent.",
        ),
        # We cannot know; "not retryable" keeps automatic retries from spending blindly.
        retryable=False,
    )


def _unknown(code: int) -> ErrorExplanation:
    shown = str(code)
    return ErrorExplanation(
        code=code,
        title=f"Error {shown}",
        explanation=f"Twilio reported error {shown}, which TextDesk has no explanation for yet.",
        causes=("See Twilio's description of this code for the exact reason.",),
        what_to_do=(
            f"Search for “Twilio error {shown}” or open twilio.com/docs/api/errors.",
            "Contact Twilio Support if you cannot tell what to change.",
        ),
        retryable=False,
    )


def explain(code: int | str | None) -> ErrorExplanation:
    """The explanation for a Twilio error code; never raises.

    Accepts ints and numeric strings (surrounding spaces and a spreadsheet's
    ".0" are tolerated). ``None`` or a blank string gives a "No error code"
    entry; an unlisted code or junk gives a generic entry that still shows what
    was given, so the user can look it up or report it.
    """
    if code is None:
        return _no_code()
    if isinstance(code, int) and not isinstance(code, bool):  # True is not error 1
        return CATALOG.get(code) or _unknown(code)
    text = str(code).strip()
    if not text:
        return _no_code()
    if _NUMBER.fullmatch(text):
        number = int(text.split(".")[0])
        return CATALOG.get(number) or _unknown(number)
    shown = " ".join(text.split())  # one line, however the junk was spread
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return ErrorExplanation(
        code=None,
        title=f"Unrecognised error code “{shown}”",
        explanation=f"“{shown}” was given where a Twilio error number was expected.",
        causes=("The error was recorded or imported in an unexpected form.",),
        what_to_do=("Look the message up in the Twilio Console's messaging logs.",),
        retryable=False,
    )
