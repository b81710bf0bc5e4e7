"""How close questions about nothing in the corpus come to it: the level the refusal's
"on topic" test is measured against.

e5 cosines are compressed (an everyday question still scores about 0.8 against a statute), and
how high they run depends on the corpus and on the question's language. So every index embeds
the same fixed everyday questions that no regulation answers (weather, cooking, sport, travel…),
in Chinese and in English, and records the mean and spread of their best cosine against its
chunks, robustly (median, and 1.4826 × the median absolute deviation: a probe that happens to
touch the corpus's field moves neither). A question whose best cosine stands several spreads
above that level is about something the corpus speaks of, even when none of its words is the statute's ("养狗要去哪里办证？" against a
text that only ever says 犬). Nothing here is tied to one corpus or one field of law.

    offtopic_levels(store, model) -> {"zh": [0.826, 0.012], "en": [0.743, 0.014]}
    on_topic_z(0.875, "zh", levels) -> 4.08
"""
from __future__ import annotations

import numpy as np

from .embed_model import encode_queries

PROBES = {
    "zh": ["明天会下雨吗？", "红烧肉怎么做才好吃？", "周末去哪里爬山比较好？", "世界杯哪一年在卡塔尔举办？",
           "感冒了吃什么药好得快？", "手机电池不耐用怎么办？", "怎么学好英语口语？", "猫为什么喜欢睡觉？",
           "高考数学怎么提高成绩？", "最近有什么好看的电影？", "咖啡喝多了对身体有害吗？", "去云南旅游要准备什么？",
           "孩子晚上不睡觉怎么办？", "股票明天会涨吗？", "怎么给花浇水？", "跑步膝盖疼是怎么回事？",
           "月饼有哪些口味？", "电脑开机很慢怎么办？", "怎样才能睡个好觉？", "长城有多长？",
           "西瓜怎么挑才甜？", "学钢琴几岁开始好？", "夏天怎么防晒？", "地球为什么是圆的？",
           "火锅底料怎么炒？", "如何提高记忆力？", "彩虹是怎么形成的？", "春节一般吃什么？",
           "太阳系有几颗行星？", "怎么拍出好看的照片？"],
    "en": ["How do I bake sourdough bread?", "What is the capital of Australia?",
           "Which phone has the best camera?", "How far is the moon from the earth?",
           "What time does the football match start tonight?", "Will it rain tomorrow?",
           "How can I learn to play the guitar?", "What are good exercises for back pain?",
           "Why is the sky blue?", "How do I grow tomatoes on a balcony?",
           "What is the best way to learn a new language?", "Which films won awards this year?",
           "How long should I boil an egg?", "What should I pack for a beach holiday?",
           "How do I stop my laptop from overheating?", "Why do cats purr?",
           "How many planets are in the solar system?", "What is a healthy breakfast?",
           "How do I improve my sleep?", "Who painted the Mona Lisa?"],
}


def offtopic_levels(store, model) -> dict[str, list[float]]:
    """Per language, [median, robust spread] of the probes' best cosine against `store`."""
    levels = {}
    for lang, probes in PROBES.items():
        scores, _ = store.search(encode_queries(model, probes), 1)
        best = scores[:, 0].astype(np.float64)
        median = float(np.median(best))
        spread = 1.4826 * float(np.median(np.abs(best - median)))
        levels[lang] = [round(median, 5), round(spread, 5)]
    return levels


def on_topic_z(best_cosine: float, lang: str, levels: dict[str, list[float]]) -> float:
    """How many spreads the question's best cosine stands above the probes of its language."""
    level, spread = levels[lang]
    return (best_cosine - level) / max(spread, 1e-6)
