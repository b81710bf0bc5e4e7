"""Normalise a question and add statutory words for everyday ones.

In: the user's question. Out: `Query` with the cleaned text (shown and embedded) and the
expanded text (tokenised for BM25). The vocabulary maps everyday or English words to the words
statutes use; it is general legal Chinese, tied to no article of any corpus.

    normalise("  打１２３３９举报\x07间谍？ ") -> "打12339举报间谍？"
    expand("老百姓发现间谍怎么报警") -> "老百姓发现间谍怎么报警 公民 举报 报告 公安机关 间谍 间谍行为"
    expand("11月1号有什么活动") -> "11月1号有什么活动 11月1日"
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from index.lexical import word_spans, words

MAX_QUESTION_CHARS = 2000
DATE_HAO = re.compile(r"(\d{1,2})月(\d{1,2})号")
UNDER_NUMBER = re.compile(r"\bunder (?:the age of |age )?\d+", re.I)  # "under 16", not "under the law"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")

# everyday word -> statutory words (general legal Chinese, no article-specific phrases)
EVERYDAY = {
    "老百姓": "公民", "普通人": "公民 个人", "群众": "公民", "市民": "公民", "个人": "公民 个人",
    "公司": "企业 单位", "企业": "企业事业组织 单位", "单位": "单位 组织", "学校": "教育 事业组织",
    "派出所": "公安机关", "警察": "公安机关", "报警": "举报 报告 公安机关", "告发": "举报",
    "打电话": "举报电话", "热线": "举报电话", "电话": "举报电话", "网上": "网络", "线索": "线索 举报",
    "国安": "国家安全机关", "国安局": "国家安全机关", "国家安全局": "国家安全机关", "政府": "人民政府",
    "出国": "出境", "出境": "出境 境外", "国外": "境外", "外国人": "境外 个人", "外国": "境外",
    "回国": "返回 入境", "从哪天": "施行", "机密": "国家秘密 涉密", "保密": "保密 秘密", "泄密": "泄露 国家秘密",
    "手机": "电子通信工具", "电脑": "计算机 信息系统", "上网": "网络", "app": "网络 信息",
    "奖励": "表彰 奖励", "奖金": "奖励", "罚款": "罚款 处罚", "处罚": "处罚 法律责任", "坐牢": "刑事责任 拘留",
    "判刑": "刑事责任", "抓": "拘留 强制措施", "违法": "违反 法律责任", "管": "管理 监督", "培训": "教育培训",
    "宣传": "宣传教育", "哪天": "日", "生效": "施行", "实施": "施行", "多久": "期限 日",
    "建房": "建设项目", "盖楼": "建设项目", "快递": "寄递 快递", "检查": "检查 督促检查", "保护": "保护 保障",
    "举报人": "举报人 保密 保护", "适用": "适用 行政区域", "管不管": "适用", "管得到": "适用", "管用": "适用",
    "范围": "适用 行政区域", "依据": "根据 制定", "为什么": "为了 目的", "目的": "为了 制定", "出台": "制定",
    "开始": "施行", "什么时候": "施行 日", "损失": "损失 补偿", "没收": "没收 追缴", "间谍": "间谍 间谍行为", "特务": "间谍", "卧底": "间谍", "外资": "境外",
    # what a term means: statutes define with "本法所称…是指"
    "什么是": "所称 是指", "什么叫": "所称 是指", "是指什么": "所称 是指", "指的是": "所称 是指",
    "算不算": "属于 是指", "定义": "所称 是指", "笔记本": "计算机 电子设备", "设备": "设备 电子设备",
    "扣押": "查封 扣押 冻结", "还回来": "退还 返还", "退回": "退还", "冻结": "冻结 查封 扣押",
    "存款": "财产 存款", "账户": "财产 账户", "驱逐": "驱逐出境 遣送出境", "约谈": "约谈 传唤",
    "赶出去": "驱逐出境 限期出境", "赶出": "驱逐出境 限期出境", "老外": "外国人 境外人员", "问话": "询问 传唤",
    "乱用职权": "滥用职权", "投诉": "投诉 检举 控告 申诉", "不服": "不服 行政复议 行政诉讼",
    # other fields lay people ask about: work, shopping, renting, traffic, family, courts, papers
    "老板": "用人单位 雇主", "员工": "劳动者 职工", "工人": "劳动者 职工", "打工": "劳动者 用工",
    "工资": "劳动报酬 工资", "薪水": "劳动报酬 工资", "欠薪": "拖欠 劳动报酬", "加班": "延长工作时间 加班",
    "开除": "解除劳动合同 辞退", "辞退": "解除劳动合同 辞退", "炒鱿鱼": "解除劳动合同", "辞职": "解除劳动合同 辞职",
    "社保": "社会保险", "五险一金": "社会保险 住房公积金", "年假": "带薪年休假", "工伤": "工伤 工伤保险",
    "工资条": "工资清单 工资条", "工资单": "工资清单 工资单", "垫": "垫付",
    "商家": "经营者", "卖家": "经营者 销售者", "顾客": "消费者", "买家": "消费者", "假货": "假冒 伪劣",
    "退货": "退货 退换", "网购": "网络交易 网络购物", "房东": "出租人", "租客": "承租人", "房客": "承租人",
    "租房": "租赁 房屋租赁", "押金": "押金 定金", "物业": "物业服务人 物业服务企业", "车祸": "交通事故",
    "撞车": "交通事故", "驾照": "机动车驾驶证 驾驶证", "司机": "驾驶人", "罚单": "罚款 处罚决定",
    "老公": "配偶 夫妻", "老婆": "配偶 夫妻", "孩子": "子女 未成年人", "小孩": "未成年人 子女", "借钱": "借款 借贷",
    "欠钱": "债务 借款", "欠债": "债务", "打官司": "诉讼 起诉", "法院": "人民法院", "检察院": "人民检察院",
    "公安局": "公安机关", "城管": "城市管理 综合执法", "税务局": "税务机关", "身份证": "居民身份证 身份证件",
    "隐私": "隐私 个人信息", "噪音": "噪声", "骗子": "诈骗 欺诈", "被骗": "诈骗 欺诈", "欺骗": "欺诈",
    "漏洞": "隐患 风险隐患", "隐患": "隐患 风险隐患", "通知": "告知 通知", "告诉": "告知", "原则": "原则 坚持",
    "指导思想": "坚持 指导", "买东西": "购买 商品", "东西": "商品 物品", "房租": "租金", "涨": "提高 上涨", "涨价": "提高 价格",
    "淘宝": "网络 电子商务", "京东": "网络 电子商务", "拼多多": "网络 电子商务", "微信": "网络 信息",
    "买": "购买", "退": "退货 退款 退回", "退钱": "退款 退回", "退款": "退款 退回", "赔": "赔偿", "赔钱": "赔偿",
    "衣服": "商品", "质量问题": "质量 瑕疵", "健身卡": "预付卡 预收款 预付款", "会员卡": "预付卡 预收款 预付款",
    "储值卡": "预付卡 预收款 预付款", "充值": "预付款 预收款", "办卡": "预付卡 预收款", "跑路": "停业 歇业 未按照约定",
    "倒闭": "停业 歇业 破产", "关门": "停业 歇业",
    "房子": "房屋 住房", "租": "租赁 出租 承租", "租给": "出租 转租", "再租": "转租", "别人": "他人",
    "搬走": "搬离 返还房屋", "赶走": "解除合同 迫使", "断水": "停止供水", "断电": "停止供电", "停水": "停止供水",
    "停电": "停止供电", "逼": "迫使 强迫", "格局": "房屋结构 结构", "装修": "装饰装修 改变房屋结构",
    "改": "改变 变更", "合租": "合租 分租", "中介": "房地产经纪机构 中介机构",
    "换新": "更新 更换", "钱": "费用 资金", "谁出": "承担 负担 分摊", "谁掏": "承担 负担 分摊",
    "负责": "责任 主体责任",
    "怀孕": "孕期 女职工", "孕妇": "孕期 女职工", "裁员": "裁减人员", "续签": "续订 期满", "续约": "续订 期满",
    "到期": "期满 届满", "发工资": "支付 劳动报酬", "没发工资": "未及时足额支付 劳动报酬", "补偿": "经济补偿 补偿",
    "试用": "试用期", "转正": "试用期", "正式工": "劳动者 同类岗位",
    # everyday things under the statutory categories that name them
    "沙发": "家具", "床垫": "家具", "柜子": "家具", "衣柜": "家具", "桌子": "家具", "椅子": "家具",
    "冰箱": "家用电器 电器", "洗衣机": "家用电器 电器", "电视机": "家用电器 电器", "空调": "家用电器 电器",
    "微波炉": "家用电器 电器", "砖头": "建筑垃圾 装修垃圾 建筑材料", "水泥块": "建筑垃圾 装修垃圾",
    "水泥": "建筑材料 建筑垃圾", "瓷砖": "建筑材料 装修",
    "扔": "投放 丢弃 倾倒", "垃圾桶": "收集容器 容器", "垃圾箱": "收集容器 容器", "乱扔": "随意 丢弃 倾倒 抛撒", "丢": "丢弃 投放", "路边": "道路",
    # roads: what drivers, riders and walkers say for what traffic law names
    "车子": "机动车 车辆", "开车": "驾驶 机动车", "车主": "机动车所有人 所有人", "撞伤": "交通事故 受伤 人身伤亡",
    "撞人": "交通事故 人身伤亡", "撞死": "交通事故 死亡", "肇事": "交通事故", "交警": "交通警察 公安机关交通管理部门",
    "闯红灯": "交通信号灯 红灯 违反 通行", "红绿灯": "交通信号灯", "电子眼": "交通技术监控 监控",
    "摄像头": "监控 技术监控", "车牌": "号牌", "牌照": "号牌", "套牌": "伪造 变造 号牌", "扣分": "记分",
    "交强险": "第三者责任强制保险 强制保险", "年检": "安全技术检验 检验", "超速": "超过规定时速 时速 速度",
    "酒驾": "饮酒后驾驶 饮酒", "醉驾": "醉酒 醉酒驾驶", "拖车": "拖移 拖曳", "违停": "停放 临时停车",
    "停车": "停放 停车", "挪车": "移动 移至", "电动车": "电动自行车 非机动车", "骑车": "非机动车 驾驶",
    "斑马线": "人行横道", "高速": "高速公路", "交罚款": "缴纳 罚款", "滞纳金": "加处罚款",
    # shops: what shoppers say for what consumer and product-quality law names
    "超市": "经营者 销售者", "商场": "经营者 销售者", "店家": "经营者", "店里": "经营者", "网店": "经营者 网络",
    "厂家": "生产者", "厂商": "生产者", "发票": "购货凭证 发票", "小票": "购货凭证", "保修": "修理 三包",
    "三包": "修理 更换 退货", "换货": "更换", "假一赔三": "欺诈 增加赔偿", "霸王条款": "格式条款",
    "概不退换": "格式条款 店堂告示", "告示": "店堂告示 通知 声明", "翻包": "搜查 携带的物品", "搜身": "搜查 身体",
    "偷东西": "盗窃", "网红": "广告 推荐 宣传", "主播": "广告 推荐 宣传", "代言": "广告 推荐", "摔倒": "人身伤害 安全",
    "滑倒": "人身伤害 安全", "受伤": "人身伤害 受伤", "骨折": "人身伤害", "起火": "缺陷 损害 火灾",
    "消协": "消费者协会", "验货": "检验 查验",
    # public order and the home: what neighbours, victims and onlookers say for what the statutes name
    "打架": "殴打 斗殴 伤害", "打人": "殴打 伤害", "动手": "殴打", "被打": "殴打 伤害", "揍": "殴打",
    "打伤": "殴打 伤害", "私了": "调解 和解", "偷": "盗窃", "小偷": "盗窃", "扒手": "盗窃",
    "吵闹": "噪声 干扰他人正常生活", "扰民": "噪声 干扰他人正常生活", "音响": "噪声", "广场舞": "噪声",
    "赌钱": "赌博", "麻将": "赌博", "打牌": "赌博", "彩头": "赌博 赌资", "造谣": "捏造 事实 诽谤 谣言",
    "骂人": "侮辱", "辱骂": "侮辱", "骂": "侮辱", "喝醉": "醉酒", "酒疯": "醉酒", "家暴": "家庭暴力",
    "同居": "共同生活", "报案": "报案 控告", "关起来": "拘留 限制人身自由", "保护令": "人身安全保护令",
    "宠物": "动物 宠物",
    # children: what parents and teachers say
    "外出打工": "外出务工 委托 照护", "出去打工": "外出务工 委托 照护", "留守": "外出务工 委托 照护",
    "带孩子": "照护 监护", "一个人在家": "无人看护", "独自在家": "无人看护", "反锁": "无人看护",
    "童工": "未满十六周岁 招用", "雇": "招用 雇佣", "P图": "损害形象", "删掉": "删除", "霸凌": "欺凌",
    "网瘾": "沉迷网络", "防沉迷": "沉迷网络", "体罚": "体罚 变相体罚", "补课": "补课 集体补课",
    # family and inheritance: what spouses, parents and heirs say
    "领证": "结婚登记 结婚证", "领结婚证": "结婚登记", "彩礼": "借婚姻索取财物 婚姻自由", "婚前": "婚前财产 一方的财产",
    "房本": "财产 所有", "抚养权": "直接抚养 抚养", "判给谁": "直接抚养 抚养", "跟谁": "直接抚养 抚养",
    "看孩子": "探望", "探视": "探望", "领养": "收养", "养子": "养子女 收养", "孙子": "孙子女 代位继承",
    "孙女": "孙子女 代位继承", "赶出家门": "遗弃 虐待", "不管不顾": "遗弃 不尽赡养义务", "嫁出去": "子女 继承权",
    "手写": "自书遗嘱 亲笔书写", "打印": "打印遗嘱", "不要遗产": "放弃继承", "分遗产": "遗产分割 继承",
    "老人": "老年人 赡养", "养老": "赡养", "分居": "分居 感情确已破裂", "冷静期": "离婚冷静期 三十日",
    "小三": "与他人同居 重婚", "外遇": "与他人同居",
    # food: what stall holders, cooks and diners say
    "摆摊": "摊贩 食品摊贩", "小摊": "摊贩", "无证": "未取得许可", "没办证": "未取得许可", "办证": "许可证 许可",
    "健康证": "健康证明", "体检": "健康检查", "加药": "添加药品", "西药": "药品", "吃坏肚子": "食源性疾病 食物中毒",
    # homes and privacy: what owners and app users say
    "物业费": "物业服务费用 物业服务收费", "维修基金": "专项维修资金", "维修资金": "专项维修资金",
    "广告费": "经营 收益", "私搭乱建": "违法建设 擅自 占用", "搭棚": "擅自 占用", "开会": "会议 业主大会",
    "通讯录": "个人信息", "权限": "同意 个人信息", "闪退": "拒绝提供产品或者服务", "杀熟": "自动化决策 差别待遇 交易价格",
    "用户画像": "自动化决策 个人特征", "推送": "信息推送 商业营销", "推销": "商业营销 营销", "骚扰电话": "商业营销",
    "注销": "删除 撤回同意", "转给": "提供 向其他个人信息处理者提供", "搬到": "转移", "家族群": "家庭事务",
    "人脸": "人脸识别 敏感个人信息", "刷脸": "人脸识别 敏感个人信息",
}
# English -> Chinese statutory words (for cross-lingual lexical matching)
ENGLISH = {
    "espionage": "间谍 间谍行为", "spy": "间谍", "spies": "间谍", "spying": "间谍行为",
    "counter-espionage": "反间谍", "counterespionage": "反间谍", "report": "举报 报告",
    "hotline": "举报电话", "call": "电话", "reward": "奖励 表彰", "rewarded": "奖励",
    "national security": "国家安全", "security": "安全", "state security": "国家安全机关",
    "police": "公安机关", "secret": "秘密 国家秘密", "secrets": "秘密 国家秘密", "classified": "涉密 国家秘密",
    "abroad": "出境 境外", "overseas": "境外", "foreign": "境外", "travel": "出境", "leave the country": "出境",
    "employees": "人员", "employee": "人员", "staff": "人员", "company": "企业 单位", "companies": "企业 单位",
    "organization": "组织 单位", "organisations": "组织", "government": "人民政府", "education": "宣传教育",
    "training": "教育培训", "penalty": "处罚 法律责任", "penalties": "处罚 法律责任", "fine": "罚款",
    "punish": "处罚", "punished": "处罚", "liability": "法律责任", "effect": "施行", "effective": "施行",
    "take effect": "施行", "inspection": "检查", "inspect": "检查", "protect": "保护", "protection": "保护",
    "whistleblower": "举报人", "informant": "举报人", "confidential": "保密", "construction": "建设项目",
    "project": "项目", "key units": "重点单位", "key unit": "重点单位", "network": "网络", "internet": "网络",
    "data": "数据", "courier": "快递 寄递", "express": "快递", "media": "媒体 宣传", "day": "日",
    "purpose": "为了 制定", "why": "为了 制定", "basis": "根据 制定", "in force": "施行",
    "when": "施行 日", "apply to": "适用", "apply": "适用", "applies": "适用", "scope": "适用 范围", "duty": "义务 职责",
    "duties": "义务 职责", "obligation": "义务", "obligations": "义务", "responsibility": "责任",
    "citizen": "公民", "citizens": "公民", "individual": "个人", "individuals": "个人", "detain": "拘留",
    "detention": "拘留", "criminal": "刑事责任", "personnel": "人员", "border": "边境 出境",
    "define": "所称 是指", "defined": "所称 是指", "definition": "所称 是指", "means": "是指",
    "meaning": "所称 是指", "counts as": "所称 是指", "count as": "所称 是指", "constitutes": "属于 是指",
    "device": "电子设备", "devices": "电子设备", "phone": "电话 电子设备", "phones": "电子设备",
    "mobile": "电子设备", "laptop": "电子设备 计算机", "computer": "计算机 电子设备", "computers": "计算机 电子设备",
    "seize": "查封 扣押", "seized": "查封 扣押", "seizure": "查封 扣押", "confiscate": "没收",
    "confiscated": "没收", "freeze": "冻结", "frozen": "冻结", "property": "财产 财物", "bank": "财产 存款",
    "return": "返回 退还 退货", "returned": "退还 返还 退货", "expel": "驱逐出境", "expelled": "驱逐出境",
    "deport": "遣送出境 驱逐出境", "deported": "遣送出境 驱逐出境", "re-enter": "入境", "re-entering": "入境",
    "entry": "入境", "enter": "入境", "abuse": "滥用职权", "critical information infrastructure": "关键信息基础设施", "power": "职权", "powers": "职权",
    "officer": "工作人员", "officers": "工作人员", "official": "工作人员", "officials": "工作人员",
    "complain": "检举 控告 申诉", "complaint": "检举 控告 申诉", "appeal": "申诉 复议 诉讼",
    "sue": "诉讼", "lawsuit": "诉讼", "summon": "传唤", "summoned": "传唤", "interview": "约谈 询问",
    "refuse": "拒绝 拒不", "refuses": "拒绝 拒不", "refused": "拒绝 拒不", "cooperate": "配合 协助",
    "assist": "协助 配合", "compensation": "补偿 赔偿", "compensate": "补偿 赔偿", "foreigner": "境外 外国人",
    "foreigners": "境外 外国人", "awareness": "宣传教育", "publicity": "宣传教育", "in charge": "主管 负责",
    "competent": "主管", "department": "部门", "departments": "部门",
    "anti-espionage": "反间谍", "summons": "传唤", "questioning": "询问 传唤", "questioned": "询问 传唤",
    "search": "检查 搜查", "searched": "检查 搜查", "family": "家属 家庭", "relatives": "家属 近亲属",
    "told": "通知 告知", "notified": "通知", "illegal": "违法 非法", "illegally": "非法",
    "document": "文件 资料", "documents": "文件 资料", "papers": "文件 资料", "prevention": "防范",
    "prevent": "防范 防止", "precautions": "防范 措施", "suspicious": "可疑", "activity": "活动 行为",
    "activities": "活动 行为", "rights": "权利 合法权益", "declassification": "脱密", "administrative": "行政",
    "remote": "远程", "remotely": "远程", "overstep": "超越职权", "authority": "职权 机关", "authorities": "机关",
    "brief": "教育 提醒", "briefing": "教育 提醒", "trip": "出境", "trips": "出境", "vet": "审查", "vetting": "审查",
    "organisation": "组织 单位", "school": "学校", "schools": "学校", "university": "高等学校 学校",
    "teach": "教育 教学", "knowledge": "知识", "event": "活动", "events": "活动", "entering": "入境",
    "barred": "不准", "account": "账户 财产", "money": "财产 资金",
    "township": "乡镇", "sub-district": "街道", "village": "村民委员会 村",
    "approves": "批准 审批", "permission": "批准 许可", "zone": "区域", "zones": "区域",
    # kinds of instrument, as titles name them
    "regulations": "条例", "regulation": "条例", "measures": "办法 措施", "measure": "办法 措施",
    "provisions": "规定", "rules": "规定 细则", "based on": "根据 依据", "come back": "返回 回国",
    "post": "岗位 离岗",
    # other fields: work, shopping, renting, traffic, family, money, courts, papers
    "boss": "用人单位", "employer": "用人单位", "employers": "用人单位", "worker": "劳动者", "workers": "劳动者",
    "wage": "劳动报酬 工资", "wages": "劳动报酬 工资", "salary": "劳动报酬 工资", "pay": "支付 劳动报酬",
    "paid": "支付", "overtime": "延长工作时间 加班", "fired": "解除劳动合同 辞退", "dismissed": "解除劳动合同 辞退",
    "quit": "解除劳动合同 辞职", "severance": "经济补偿", "payslip": "工资清单", "pay slip": "工资清单",
    "bankrupt": "破产", "bankruptcy": "破产", "social insurance": "社会保险", "contract": "合同",
    "consumer": "消费者", "consumers": "消费者", "buy": "购买", "bought": "购买", "purchase": "购买",
    "online": "网络", "shop": "经营者", "store": "经营者", "reason": "理由", "prepaid": "预付款 预收款 预付卡",
    "membership": "预付卡 预收款", "gym": "预付卡 预收款", "seller": "经营者 销售者", "merchant": "经营者", "refund": "退款 退货",
    "fake": "假冒 伪劣", "landlord": "出租人", "tenant": "承租人", "rent": "租金 租赁", "deposit": "押金 定金",
    "accident": "事故", "driver": "驾驶人", "driving": "驾驶", "licence": "许可 证件", "license": "许可 证件",
    "child": "子女 未成年人", "children": "子女 未成年人", "minor": "未成年人", "spouse": "配偶",
    "loan": "借款", "borrow": "借款", "debt": "债务", "court": "人民法院", "lawyer": "律师", "privacy": "隐私 个人信息",
    "personal information": "个人信息", "id card": "居民身份证", "fraud": "诈骗", "scam": "诈骗",
    # everyday things local rules regulate: vehicles, buildings, animals, neighbours, health
    "bicycle": "自行车", "bike": "自行车", "e-bike": "电动自行车", "e-bikes": "电动自行车", "scooter": "电动自行车",
    "helmet": "头盔 安全头盔", "ride": "驾驶 骑行", "riding": "驾驶 骑行", "charge": "充电 收费", "charging": "充电",
    "battery": "蓄电池 电池", "elevator": "电梯", "lift": "电梯", "stairs": "楼梯间 楼梯", "stairwell": "楼梯间 疏散通道",
    "corridor": "疏散通道 公共门厅", "hallway": "公共门厅 疏散通道", "parking": "停放 停车", "park": "停放 停车 公园",
    "licence plate": "号牌", "license plate": "号牌", "number plate": "号牌", "register": "登记", "registration": "登记",
    "dog": "犬 犬只 动物", "dogs": "犬 犬只 动物", "cat": "猫", "pet": "宠物 犬只 动物", "leash": "犬链", "bite": "伤害", "bitten": "伤害",
    "vaccine": "免疫 疫苗", "vaccination": "免疫 疫苗", "neighbour": "他人 相邻", "neighbor": "他人 相邻",
    "noise": "噪声", "smoking": "吸烟", "smoke": "吸烟", "garbage": "垃圾 生活垃圾", "rubbish": "垃圾 生活垃圾",
    "waste": "垃圾 废弃物", "fire": "消防 火灾", "building": "建筑物 房屋", "apartment": "住房 房屋", "flat": "住房 房屋",
    "house": "房屋 住房", "repair": "维修 修复", "repairs": "维修 修复", "food": "食品", "restaurant": "餐饮 饭店",
    "hospital": "医院 医疗机构", "doctor": "医师 医疗机构", "student": "学生", "teacher": "教师",
    "age": "周岁 年龄", "years old": "周岁", "underage": "未成年人 未满", "passenger": "乘坐人员 乘客", "carry": "搭载 携带",
    "bus": "公共交通工具 公交", "subway": "公共交通工具 地铁", "metro": "公共交通工具 地铁", "taxi": "出租车",
    "property management": "物业 物业服务人 物业管理", "property manager": "物业服务人",
    "management company": "物业服务人 物业服务企业", "owner": "业主 所有人", "owners": "业主 所有人",
    "homeowner": "业主", "homeowners": "业主", "fee": "费用 收费", "fees": "费用 收费",
    "service fee": "物业费 服务费 收费标准", "consent": "同意", "agree": "同意", "approval": "批准 同意",
    "approve": "批准 同意", "raise": "提高 调整", "increase": "提高 增加", "who pays": "承担 负担 费用",
    "sofa": "家具", "couch": "家具", "furniture": "家具", "mattress": "家具", "fridge": "家用电器 电器",
    "refrigerator": "家用电器 电器", "appliance": "家用电器 电器", "appliances": "家用电器 电器",
    "get rid of": "投放 丢弃 处理", "dispose": "投放 处理", "throw away": "投放 丢弃", "trash": "垃圾 生活垃圾",
    "take out": "投放", "bin": "收集容器 容器", "bins": "收集容器 容器", "office": "办公场所 办公",
    "offices": "办公场所 办公",
    # everyday English of other common fields: homes, roads, environment, family, health, work
    "renovation": "装饰装修 装修", "renovate": "装饰装修 装修", "decorate": "装饰装修", "permit": "许可 许可证",
    "vehicle": "车辆 机动车", "vehicles": "车辆 机动车", "car": "机动车 汽车", "cars": "机动车 汽车",
    "motorcycle": "摩托车", "pedestrian": "行人", "traffic": "交通 道路交通", "road": "道路", "street": "道路 街道",
    "sidewalk": "人行道", "pavement": "人行道", "tree": "树木 绿化", "trees": "树木 绿化", "green space": "绿地 绿化",
    "water supply": "供水", "electricity": "供电 电力", "gas": "燃气", "heating": "供热", "developer": "建设单位",
    "demolition": "拆除 拆迁", "demolish": "拆除", "pollution": "污染", "polluting": "污染", "environment": "环境",
    "recycle": "回收 可回收物", "recyclable": "可回收物 回收", "recycling": "回收 可回收物", "hazardous": "有害 危险",
    "kitchen waste": "厨余垃圾", "food waste": "厨余垃圾 餐厨垃圾", "sort": "分类", "sorting": "分类",
    "classify": "分类", "drunk": "醉酒 饮酒", "alcohol": "饮酒 酒", "parent": "父母 监护人", "parents": "父母 监护人",
    "guardian": "监护人", "elderly": "老年人", "disabled": "残疾人", "disability": "残疾人", "injury": "伤害 受伤",
    "injured": "伤害 受伤", "medical": "医疗", "insurance": "保险", "tax": "税 税款", "working hours": "工作时间",
    "leave": "休假 假期", "holiday": "休假 节假日", "maternity": "生育 产假", "deadline": "期限", "time limit": "期限",
    "within": "以内 之日起", "days": "日", "notice": "通知 告知 公告", "notify": "通知 告知", "ban": "禁止",
    "banned": "禁止", "prohibited": "禁止", "forbidden": "禁止", "allowed": "允许 可以", "must": "应当",
    "required": "应当", "require": "应当", "responsible": "负责 责任", "in charge of": "负责 主管",
    "counterfeit": "假冒 欺诈", "extra compensation": "增加赔偿", "cheated": "欺诈 欺骗", "recall": "召回",
    "recalled": "召回", "recalling": "召回", "defect": "缺陷", "defective": "缺陷", "warranty": "三包 修理",
    "receipt": "购货凭证 发票", "invoice": "发票", "broke down": "故障", "breaks down": "故障",
    "breakdown": "故障", "red light": "交通信号灯 红灯", "speeding": "超速 时速", "speed limit": "最高时速 时速",
    "points": "记分", "expressway": "高速公路", "highway": "高速公路 公路", "motorway": "高速公路",
    "ambulance": "救护车", "hit-and-run": "逃逸", "towed": "拖移", "annual inspection": "安全技术检验",
    "fight": "殴打 斗殴", "fighting": "殴打 斗殴", "beat": "殴打", "beats": "殴打", "hit": "殴打",
    "steal": "盗窃", "stole": "盗窃", "stolen": "盗窃", "theft": "盗窃", "shoplifting": "盗窃",
    "gamble": "赌博", "gambling": "赌博", "rumour": "谣言 诽谤", "rumor": "谣言 诽谤", "insult": "侮辱",
    "domestic violence": "家庭暴力", "protection order": "人身安全保护令", "barks": "噪声 干扰 动物",
    "barking": "噪声 干扰 动物", "lunged": "恐吓 伤害", "attacked": "殴打 伤害", "animal": "动物",
    "divorce": "离婚", "divorced": "离婚", "marriage": "婚姻 结婚", "married": "结婚 婚姻", "marry": "结婚",
    "wedding": "结婚", "pregnant": "怀孕 怀孕期间", "custody": "直接抚养 抚养", "child support": "抚养费",
    "adopt": "收养", "adoption": "收养", "adopted": "收养", "stepson": "继子女", "stepdaughter": "继子女",
    "stepchild": "继子女", "inherit": "继承", "inheritance": "继承 遗产", "estate": "遗产", "heir": "继承人",
    "heirs": "继承人", "wills": "遗嘱", "testament": "遗嘱", "grandmother": "祖父母", "grandfather": "祖父母",
    "grandparents": "祖父母", "grandchild": "孙子女", "grandson": "孙子女", "granddaughter": "孙子女",
    "acquired": "合并 转移", "takeover": "合并 转移", "merger": "合并", "facial recognition": "人脸识别",
    "personal data": "个人信息", "delete": "删除", "deleted": "删除",
}


@dataclass(frozen=True)
class Query:
    original: str
    text: str  # normalised: what is embedded
    lexical: str  # normalised plus vocabulary expansions: what BM25 tokenises


def normalise(question: str) -> str:
    """Full-width Latin/digits to half-width, control characters dropped, spaces collapsed."""
    text = CONTROL.sub("", question)
    text = "".join(unicodedata.normalize("NFKC", ch) if "\uff01" <= ch <= "\uff5e" and
                   (ch.isalnum()) else ch for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def expand(text: str) -> str:
    """Append the statutory words for everyday and English words found in `text`. A one-character
    word counts only as a word of its own ("抓" in "被抓了", but "管" not in "主管部门"), a
    two-character one where it does not cut across words (`within_words`: "国安" in "国安局", not
    "目的" in "项目的进展"), a longer one anywhere (jieba splits colloquial phrases unreliably:
    "从哪天起" -> 从 / 哪 / 天起, yet "从哪天" is meant)."""
    lowered, own, spans = text.lower(), set(words(text)), word_spans(text)
    extra = [v for k, v in EVERYDAY.items()
             if (_english_word(k).search(lowered) if k.isascii() else  # "app", not in "happen"
                 k in own if len(k) == 1 else within_words(k, text, spans) if len(k) == 2 else k in text)]
    extra += [ENGLISH[k] for k in english_keys(text)]
    extra += [f"{m}月{d}日" for m, d in DATE_HAO.findall(text)]  # spoken "11月1号", written "11月1日"
    extra += ["以下 未满"] if UNDER_NUMBER.search(text) else []
    return " ".join([text, *extra]) if extra else text


def english_keys(text: str) -> list[str]:
    """The keys of the English vocabulary that `text` contains as whole words:
    "Can state security search me?" -> ["security", "state security", "search"]."""
    lowered = text.lower()
    return [k for k in ENGLISH if k in lowered and _english_word(k).search(lowered)]


def english_content(text: str) -> list[str]:
    """The statutory words the English vocabulary gives for `text`: "Who won the chess cup?" ->
    []; "Who gets a reward?" -> ["奖励", "表彰"]."""
    return [w for k in english_keys(text) for w in ENGLISH[k].split()]


def english_covered(text: str) -> frozenset[str]:
    """The words of `text` that the English vocabulary translates: "Can state security search
    me?" -> {"state", "security", "search"}."""
    return frozenset(w for k in english_keys(text) for w in re.findall(r"[a-z]+", k))


@lru_cache(maxsize=None)
def _english_word(key: str) -> re.Pattern:
    """`key` as whole words, between anything but Latin letters and digits: "fine" matches in
    "a fine of", not in "define"; "app" in "这个app收集", not in "happen"."""
    return re.compile(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])")


def within_words(key: str, text: str, spans: list[tuple[int, int]]) -> bool:
    """True when `key` occurs in `text` inside one word or as whole words, given the text's word
    `spans`: "目的" is not in "项目的进展" (项目 / 的), "国安" is in "国安局" and in "国安 局"."""
    start = text.find(key)
    if start < 0:
        return False
    edges = {e for span in spans for e in span}
    end_of = {i: e for b, e in spans for i in range(b, e)}  # character -> end of its word
    while start >= 0:
        end = start + len(key)
        if end <= end_of.get(start, end) or (start in edges and end in edges):
            return True
        start = text.find(key, start + 1)
    return False


def make_query(question: str) -> Query:
    text = normalise(question)
    return Query(original=question, text=text, lexical=expand(text))


def is_english(text: str) -> bool:
    """True when Latin letters outnumber CJK characters: "Who do I report spies to?" -> True."""
    latin = len(re.findall(r"[A-Za-z]", text))
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    return latin > cjk
