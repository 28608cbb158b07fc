"""Every reason code, the rule behind it and the sentence shown to the participant.

One place for both the decision stage (`pipeline.decide` attaches the sentences to a
decision) and the README table "Reason codes" (`reason_table()` writes it; a test
checks that the README, this module and `pipeline.errors.Reason` agree).

For intake and reading codes the stage's own message is more precise (it names the
measured figure); the sentence here is an example of it.
"""

from __future__ import annotations

from pipeline.errors import Reason

R = Reason

# code -> (rule, sentence shown to the participant)
REASONS: dict[Reason, tuple[str, str]] = {
    # intake and reading (issue #2)
    R.UNSUPPORTED_FORMAT: ("only JPEG, PNG and PDF, recognised by their bytes (seed 002 art. 3.2.1.1)",
                           "The file is a GIF image; accepted formats are JPEG, PNG and PDF."),
    R.FILE_TOO_LARGE: ("at most 5 MiB (5,242,880 bytes), per program",
                       "The file is 6.1 MB (6,400,000 bytes); the limit is 5.0 MB (5,242,880 bytes)."),
    R.IMAGE_TOO_LARGE: ("decompression bombs, absurd dimensions, too many PDF pages, decoder memory limit",
                        "The image is 40,000 × 40,000 pixels (1,600 megapixels); the limit is 40 megapixels."),
    R.CORRUPT_FILE: ("truncated or undecodable file, encrypted PDF, decoder time limit",
                     "The JPEG file is truncated or damaged and cannot be decoded."),
    R.ILLEGIBLE: ("too blurred, too dark, too little contrast, characters too small, OCR confidence too low",
                  "The photo is too blurred to read (sharpness 421.3, at least 600 needed)."),
    R.INCOMPLETE_RECEIPT: ("the total, the date and the retailer must all be on the proof (seed 002)",
                           "The receipt looks cut or incomplete: no total, no date could be found on it "
                           "(1 of the 3 required items found)."),
    R.ENGINE_FAILURE: ("the OCR engine crashed or timed out (transient: retried in service mode)",
                       "Tesseract did not finish within 60 s."),
    R.DATABASE_UNAVAILABLE: ("the database could not be reached (transient: retried)",
                             "The service is temporarily unavailable; your declaration will be processed shortly."),
    # ledger
    R.BELOW_REDEMPTION_MINIMUM: ("rewards from 140 available points (seed 002 art. 3.3)",
                                 "You need at least 140 available points to order a reward."),
    R.INSUFFICIENT_POINTS: ("a reward costs no more than the available points",
                            "You do not have enough available points for this reward."),
    R.REDEMPTION_CLOSED: ("no redemption once the program has ended (seed 002 art. 8)",
                          "Rewards can no longer be ordered: the program has ended."),
    R.DEBT_OUTSTANDING: ("points already spent and then reversed are a debt that blocks redemption",
                         "Some points you spent were cancelled; new points first pay that back."),
    R.ORDER_NOT_FOUND: ("a cancelled reward order must exist", "We could not find that reward order."),
    R.ORDER_ALREADY_CANCELLED: ("an order is cancelled once", "This reward order was already cancelled."),
    R.INVALID_EVENT: ("order, payment, return and closure files must be well formed (pro-club)",
                      "A line of the event file is invalid."),
    # fraud (issue #4)
    R.SUSPECTED_FRAUD: ("re-photographed, edited or otherwise suspicious proof (seed 002 art. 6.2)",
                        "This receipt needs a manual check before points can be credited."),
    R.DUPLICATE_RECEIPT: ("the same receipt or the same purchase declared twice (seed 002 art. 3.2.1.1)",
                          "This purchase has already been declared."),
    # decision (issue #3)
    R.CARD_SLIP: ("card-payment slips are not proofs of purchase (seed 002 art. 3.2.1.1)",
                  "This is a card-payment slip; please send the till receipt or the invoice instead."),
    R.DUPLICATA: ("duplicate copies are refused: the original is required (seed 002 art. 3.2.1.1)",
                  "This is a duplicate copy of a receipt; only the original receipt is accepted."),
    R.PURCHASE_TOO_OLD: ("declared within 12 months of the purchase, inclusive (seed 002 art. 3.2.1.1)",
                         "The purchase is more than 12 months old; it can no longer be declared."),
    R.PURCHASE_IN_FUTURE: ("the purchase date cannot be after the declaration",
                           "The date on the receipt is later than today."),
    R.RETAILER_NOT_APPROVED: ("an approved salon or approved online shop of the catalog (seed 002 art. 3.1)",
                              "The shop on this receipt is not an approved salon or online shop of the program."),
    R.OUTSIDE_TERRITORY: ("a purchase in metropolitan France, Corsica and Monaco included (seed 002 art. 3.1)",
                          "The purchase was made outside metropolitan France, Corsica and Monaco."),
    R.CURRENCY_NOT_EUR: ("the amount must be in euros (seed 002 art. 3.2.1.1)",
                         "The receipt is not in euros."),
    R.NO_ELIGIBLE_PRODUCT: ("at least one Kérastase product or Fusio-Dose service (seed 002 art. 3.1)",
                            "No product or service on this receipt earns points."),
    R.PROFESSIONAL_PRODUCT: ("technical products for professional use earn nothing (seed 002 art. 3.1)",
                             "Products for professional use do not earn points."),
    R.SERVICE_PRICE_OUT_OF_RANGE: ("a Fusio-Dose earns points only if it costs 8 to 18 EUR (seed 002 art. 3.1)",
                                   "A Fusio-Dose service earns points only when its price is between "
                                   "8 and 18 euros."),
    R.SERVICE_NOT_IN_SALON: ("a Fusio-Dose service counts only in an approved salon (seed 002 art. 3.1)",
                             "A Fusio-Dose service earns points only when it is done in an approved salon."),
    R.NAME_MISMATCH: ("a beneficiary printed on the receipt must be the participant (seed 002 art. 3.2.1.1)",
                      "The receipt is in another person's name."),
    R.BENEFICIARY_UNCERTAIN: ("the printed beneficiary could not be compared with the participant's name",
                              "The name on the receipt needs a manual check (is your profile complete?)."),
    R.MONTHLY_CAP_REACHED: ("at most 5 products or services a calendar month (seed 002 art. 3.2.1.1)",
                            "You have reached the limit of 5 products or services declared this month; "
                            "the rest were not credited."),
    R.RETAILER_UNCERTAIN: ("the shop could not be matched clearly against the catalog",
                           "The shop on the receipt needs a manual check."),
    R.PRODUCT_UNCERTAIN: ("a line could not be matched clearly against the catalog",
                          "A product on the receipt needs a manual check."),
    R.DECLARED_DATE_MISMATCH: ("the declared purchase date must be the receipt's (seed 002 art. 3.2.1.1)",
                               "The purchase date you entered differs from the receipt's; it will be checked."),
    R.DECLARED_RETAILER_MISMATCH: ("the declared place of purchase must be the receipt's (seed 002 art. 3.2.1.1)",
                                   "The shop you entered differs from the receipt's; it will be checked."),
    R.PROGRAM_STOPPED: ("no points after the program's end is announced (seed 002 art. 8)",
                        "The program has ended: no new points are recorded."),
    R.BIRTHDAY_OFFER_NO_SERVICE: ("the birthday offer refunds a Fusio-Dose service (seed 002 art. 4)",
                                  "The birthday offer needs a Fusio-Dose service on the receipt."),
    R.BIRTHDAY_OFFER_NOT_BIRTHDAY_MONTH: ("the service must be in the birthday month (seed 002 art. 4)",
                                          "The service was not done in your birthday month."),
    R.BIRTHDAY_OFFER_LATE: ("declared within 2 months of the 1st of the birthday month (seed 002 art. 4)",
                            "The birthday offer had to be declared within two months of the first day of "
                            "your birthday month."),
    R.BIRTHDAY_OFFER_ALREADY_USED: ("one birthday offer per birthday month (seed 002 art. 4)",
                                    "You have already used the birthday offer for this birthday."),
    R.BIRTH_DATE_MISSING: ("the birthday offer needs the birth date of the profile",
                           "Please add your birth date to your profile to use the birthday offer."),
    # membership (issue #3)
    R.TOO_YOUNG: ("members are 16 or older (seed 002 art. 2)", "You must be at least 16 to join the program."),
    R.MEMBER_OUTSIDE_TERRITORY: ("members live in metropolitan France, Corsica or Monaco (seed 002 art. 2)",
                                 "The program is open to residents of metropolitan France, Corsica and Monaco."),
    R.DUPLICATE_ACCOUNT: ("one account per person: same names, birth date and postal address (seed 002 art. 2)",
                          "An account already exists for this person."),
}


def sentence(code: str) -> str:
    """The participant-facing sentence for a reason code."""
    return REASONS[Reason(code)][1]


def reason_table() -> str:
    """The README table: code, rule, sentence shown to the participant."""
    rows = ["| code | rule | sentence shown to the participant |", "|---|---|---|"]
    rows += [f"| `{code.value}` | {rule} | \"{text}\" |" for code, (rule, text) in REASONS.items()]
    return "\n".join(rows)
