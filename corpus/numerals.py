"""Chinese and Arabic numerals as used in article, paragraph and item numbers.

In: numeral strings such as "十三", "一百二十", "两百零五", "〇", "13", "１３" (full-width).
Out: ints, and back: 13 -> "十三". Refuses (ValueError) anything else.

    >>> cn_to_int("一百二十")
    120
    >>> int_to_cn(105)
    '一百零五'
"""

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)
NUMERAL_CLASS = f"[{CN_NUMERAL_CHARS}0-9０-９]+"


def cn_to_int(text: str) -> int:
    """Parse a Chinese or Arabic (half- or full-width) numeral.

    "十三" -> 13, "二十" -> 20, "一百零五" -> 105, "１３" -> 13, "一二" -> 12 (digit by digit).
    """
    text = text.strip().translate(_FULLWIDTH_DIGITS)
    if not text:
        raise ValueError("empty numeral")
    if text.isascii() and text.isdigit():
        return int(text)
    if any(ch not in DIGITS and ch not in UNITS for ch in text):
        raise ValueError(f"not a numeral: {text!r}")
    if not any(ch in UNITS for ch in text):  # "一二" or "二〇二三": positional digits
        return int("".join(str(DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
    return total + (digit or 0)


def int_to_cn(n: int) -> str:
    """Write a positive int below 10000 the way statutes number articles.

    13 -> "十三", 20 -> "二十", 105 -> "一百零五", 110 -> "一百一十".
    """
    if not 0 < n < 10000:
        raise ValueError(f"out of range: {n}")
    names = "零一二三四五六七八九"
    parts, zero_pending = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(names[d] + unit)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
