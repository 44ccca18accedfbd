"""The board paper template's fixed text, as data: make_board_paper.py writes it into the .docx."""

# After make_board_paper.py has written it, the secretariat's edits in Word are what the paper says.
DEFAULT_WORDING: dict[str, tuple[str, ...]] = {
    "purpose": (
        "To present the {{ committee }} with the {{ register_title }} for {{ period_long }}: the "
        "{{ risk_count | plural('risk') }} on the register, how they moved this quarter and the risks that "
        "need the Committee's attention.",
    ),
    "recommendation": (
        "The Committee is asked to note the {{ register_title }} for {{ period_long }}, the movement of "
        "risks this quarter and the {{ attention_count | plural('risk') }} brought to its attention in "
        "section 5.",
    ),
    "background": (
        "{% if framework %}{{ organisation }} manages risk under its {{ framework }}. {% endif %}Each risk on the "
        "register has an accountable owner who reviews it every quarter, records the controls in place and the "
        "actions under way, and assesses the residual risk: the risk that remains once those controls work.",
        "Residual risks are rated {{ rating_bands }}. The trend arrows show the direction of travel in each "
        "quarter.{% if reviewing_body %} The register is reviewed by the {{ reviewing_body }} before it comes to "
        "this Committee.{% endif %}",
    ),
}
