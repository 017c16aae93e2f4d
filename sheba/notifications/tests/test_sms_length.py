from sheba.notifications.sms import GSM7, UCS2, measure


def test_gsm7_single_and_concatenated_limits():
    assert measure("a" * 160) == measure("a" * 160)
    assert (measure("a" * 160).encoding, measure("a" * 160).segments) == (GSM7, 1)
    assert measure("a" * 161).segments == 2
    assert measure("a" * 306).segments == 2  # 2 × 153
    assert measure("a" * 307).segments == 3
    assert measure("").segments == 1


def test_gsm7_extension_characters_take_two_septets_and_are_not_split():
    assert measure("€" * 80).units == 160
    assert measure("€" * 80).segments == 1
    assert measure("€" * 81).segments == 2
    assert measure("a" * 152 + "[").segments == 1  # 154 septets fit in one SMS
    # 306 septets would fill two parts exactly, but the escape pair cannot straddle them.
    assert measure("a" * 152 + "[" + "a" * 152).units == 306
    assert measure("a" * 152 + "[" + "a" * 152).segments == 3
    assert measure("a" * 153 + "[" + "a" * 151).segments == 2


def test_bengali_is_ucs2_70_then_67_per_part():
    assert (measure("ক" * 70).encoding, measure("ক" * 70).segments) == (UCS2, 1)
    assert measure("ক" * 71).segments == 2
    assert measure("ক" * 134).segments == 2
    assert measure("ক" * 135).segments == 3
    assert measure("ক" * 201).segments == 3
    assert measure("ক" * 202).segments == 4


def test_one_non_gsm_character_makes_the_whole_message_ucs2():
    text = "Your OTP is 123456 ৫"
    assert measure(text).encoding == UCS2
    assert measure(text).units == len(text)


def test_surrogate_pairs_count_two_units_and_are_not_split():
    assert measure("😀" * 35).units == 70
    assert measure("😀" * 35).segments == 1
    text = "a" * 66 + "😀" + "a" * 66  # 134 units: two parts, were the pair allowed to straddle them
    assert measure(text).units == 134
    assert measure(text).segments == 3


def test_fit_cuts_long_text_to_the_segment_budget():
    from sheba.notifications.sms import fit

    assert fit("short", 1) == "short"
    cut = fit("ক" * 1000, 4)
    assert cut.endswith("…")
    assert measure(cut).segments == 4
    assert len(cut) == 4 * 67
    assert measure(fit("a" * 1000, 2)).segments == 2
