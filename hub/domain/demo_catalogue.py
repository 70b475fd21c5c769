"""The demo centre's names: towers, lunchtime lessons, the 红色代办 service catalogue.

Plain data, kept apart from the loader so staff can read and edit it.
The real catalogue has 129 items (27 key projects); this is a sample of
its shape.
"""

from __future__ import annotations

STATIONS: tuple[tuple[str, str], ...] = (
    ("金融大厦", "Finance Tower"),
    ("国贸中心", "Trade Centre"),
    ("科创大厦", "Innovation Tower"),
    ("环球中心", "Global Centre"),
    ("银河大厦", "Galaxy Tower"),
    ("时代广场", "Times Square"),
    ("星河湾大厦", "Star Bay Tower"),
    ("创业大厦", "Enterprise Tower"),
    ("港湾大厦", "Harbour Tower"),
    ("未来大厦", "Future Tower"),
)

LUNCH_LESSONS: tuple[tuple[str, str], ...] = (
    ("党史微课", "Party history"),
    ("AI办公技巧", "AI at the office"),
    ("职场心理健康", "Mental health at work"),
    ("急救知识", "First aid"),
    ("个税申报", "Filing income tax"),
    ("插花艺术", "Flower arranging"),
    ("太极入门", "Tai chi for beginners"),
)

# (category zh, category en, title zh, title en, key project)
SERVICES: tuple[tuple[str, str, str, str, bool], ...] = (
    ("生活缴费", "Bills", "代缴物业费", "Pay property fees", False),
    ("生活缴费", "Bills", "代缴水电燃气费", "Pay water, power and gas", False),
    ("生活缴费", "Bills", "代办停车月卡", "Monthly parking card", False),
    ("证明材料", "Certificates", "开具党员证明", "Party member letter", True),
    ("证明材料", "Certificates", "组织关系转接", "Transfer of Party membership", True),
    ("证明材料", "Certificates", "代办居住证明", "Proof of residence", False),
    ("党务服务", "Party affairs", "党费代收", "Collect Party dues", True),
    ("党务服务", "Party affairs", "入党材料咨询", "Advice on joining the Party", True),
    ("党务服务", "Party affairs", "党员报到登记", "Member registration (党员报到)", True),
    ("法律咨询", "Legal advice", "劳动合同咨询", "Employment contracts", False),
    ("法律咨询", "Legal advice", "知识产权咨询", "Intellectual property", True),
    ("就业创业", "Jobs and start-ups", "创业政策咨询", "Start-up policies", True),
    ("就业创业", "Jobs and start-ups", "人才公寓申请", "Talent apartment application", True),
    ("就业创业", "Jobs and start-ups", "社保卡代办", "Social security card", False),
    ("健康服务", "Health", "预约健康体检", "Book a health check", False),
    ("健康服务", "Health", "代购常用药", "Buy common medicine", False),
    ("邻里互助", "Neighbourly help", "快递代收", "Parcel collection", False),
    ("邻里互助", "Neighbourly help", "共享雨伞充电宝", "Shared umbrellas and power banks", False),
    ("邻里互助", "Neighbourly help", "青年联谊报名", "Young people's mixer", False),
    ("子女教育", "Children", "暑期托管报名", "Summer childcare sign-up", True),
)
