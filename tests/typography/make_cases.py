#!/usr/bin/env python3
"""Writes cases.json: a report whose paragraphs put each typographic hazard
exactly at a line boundary of the default template (12 pt body, 36-character
measure, 2-em first-line indent: 34 characters on a first line, 36 after).
Regenerate with: python3 tests/typography/make_cases.py > tests/typography/cases.json"""
import json

HAN = "法治政府建设年度报告依法行政工作取得成效推进全面深化改革坚持人民至上严格规范公正文明执法"
def han(n, start=0):
    s = (HAN * 10)[start:start + n]
    assert len(s) == n
    return s

cases = []
def case(title, *paras):
    cases.append({"title": title, "paragraphs": list(paras)})

# Marks that may not start a line, arriving exactly at the start of line 2.
for m in "、，。；：！？）〕】》〉」』”’·":
    case(f"行首禁则 {m}", han(34) + m + han(30, 5))
# The same with a mark inside the line that can give way (先挤进).
for m in "，。）》":
    case(f"挤进 {m}", han(10) + "，" + han(23) + m + han(30, 7))
# ASCII marks in Chinese text (shown full-width) and a kept ASCII full stop.
for m in ",:;!?).":
    case(f"ASCII {m}", han(34) + m + han(30, 9))
# Marks that may not end a line, arriving as the last character of line 1.
for m in "（〔【《〈「『“‘":
    case(f"行尾禁则 {m}", han(33) + m + han(30, 3))
# Adjacent marks: compressed pairs at the end of line 1.
for pair in ["。”", "）。", "》，", "》《", "，“", "。）"]:
    case(f"标点挤压 {pair}", han(33) + pair + han(30, 11))
# Numbers, units and dashes across the boundary.
case("数字不断开", han(31) + "99.65%" + han(30, 2), han(30) + "2021-2025" + han(20, 4),
     han(32) + "1,000" + han(20, 6), han(33) + "10:30" + han(20, 6))
case("破折号与省略号", han(33) + "——" + han(30, 8), han(33) + "……" + han(30, 8),
     han(34) + "——" + han(10, 8))
case("中西文间距", "全县共有497个事项可即来即办，2489事项可通过一体化平台网上办，2712个事项可实现一次办，"
     "调解成功率达99.65%，GDP增长5.2%，PM2.5浓度下降。")
# A paragraph of punctuation only, and a run with no break opportunity.
case("只有标点", "，。、；：！？" * 12)
case("无断点长串", "网址" + "https://www.example.gov.cn/" + "a" * 120 + "/index.html" + han(20))
# Last line would hold one character (孤字): 34 + 36 + 1.
case("孤字", han(34) + han(36, 3) + "。", han(34) + han(36, 3) + han(1, 7) + "。")
# Characters outside the BMP (rare place-name characters), from the primary
# font (𠮷) and from a fallback (U+201D1, in AR PL UMing only), and from a symbol fallback (U+2802).
case("扩展区汉字", "吉字的异体𠮷见于地名，另有\U000201D1字；盲文符号⠂由后备字体显示。")
# Widows and orphans: a long paragraph to cross page boundaries.
case("分页", *[han(36 * 7, k) for k in range(8)])

report = {
    "id": "typography-cases",
    "region": {"name": "排版测试县", "level": "县"},
    "year": 2024,
    "title": "中文排版规则测试（禁则、标点挤压、两端对齐）",
    "issuer": "briefing",
    "date": "2024-01-01",
    "summary": ["本文件的每一段把一个排版难点放在行首或行尾，用来检验换行、标点挤压和两端对齐。"],
    "sections": [{"title": "一、" + c["title"], "paragraphs": c["paragraphs"]} for c in cases],
}
print(json.dumps(report, ensure_ascii=False, indent=1))
