"""Page texts in Simplified Chinese and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "app_name": {"zh-CN": "满意 manyi", "en": "manyi 满意"},
    "tagline": {
        "zh-CN": "客户满意度与服务质量反馈系统",
        "en": "Customer satisfaction and service-quality feedback",
    },
    "login": {"zh-CN": "登录", "en": "Sign in"},
    "logout": {"zh-CN": "退出", "en": "Sign out"},
    "email": {"zh-CN": "邮箱", "en": "E-mail"},
    "password": {"zh-CN": "密码", "en": "Password"},
    "bad_login": {"zh-CN": "邮箱或密码错误", "en": "Wrong e-mail or password"},
    "bad_csrf": {"zh-CN": "页面已过期，请重试", "en": "The page expired; please try again"},
    "surveys": {"zh-CN": "问卷", "en": "Surveys"},
    "survey": {"zh-CN": "问卷", "en": "Survey"},
    "status": {"zh-CN": "状态", "en": "Status"},
    "responses": {"zh-CN": "答卷总数", "en": "Responses"},
    "responses_window": {"zh-CN": "近30天答卷", "en": "Last 30 days"},
    "nps": {"zh-CN": "NPS（近30天）", "en": "NPS (last 30 days)"},
    "csat": {"zh-CN": "CSAT（近30天）", "en": "CSAT (last 30 days)"},
    "top_box": {"zh-CN": "满意率", "en": "top-2-box"},
    "ci": {"zh-CN": "95% 置信区间", "en": "95% CI"},
    "no_data": {"zh-CN": "无数据", "en": "no data"},
    "not_asked": {"zh-CN": "该问卷不含此题", "en": "this survey does not ask it"},
    "no_surveys": {
        "zh-CN": "还没有问卷。运行 manyi demo 载入演示数据，或用 manyi survey create 创建问卷。",
        "en": "No surveys yet. Run `manyi demo` for demo data, or create one with `manyi survey create`.",
    },
    "signed_in_as": {"zh-CN": "当前用户", "en": "Signed in as"},
    "language": {"zh-CN": "English", "en": "中文"},
    "draft": {"zh-CN": "草稿", "en": "draft"},
    "active": {"zh-CN": "收集中", "en": "active"},
    "paused": {"zh-CN": "已暂停", "en": "paused"},
    "closed": {"zh-CN": "已结束", "en": "closed"},
    "api_docs": {"zh-CN": "API 文档", "en": "API docs"},
    "themes": {
        "zh-CN": "客户在谈论什么（近30天）",
        "en": "What customers talk about (last 30 days)",
    },
    "themes_summary": {
        "zh-CN": "已分析 {analysed} 条文本反馈与开放题回答；{pending} 条待分析。",
        "en": "{analysed} feedback texts and open answers analysed; {pending} waiting.",
    },
    "themes_help": {
        "zh-CN": "方面与情感由离线文本分析（manyi.text）自动识别；负面占比附 95% Wilson 置信区间，及与前30天相比的变化（双比例 z 检验，q 为经 Benjamini–Hochberg 校正的 p 值，q < 0.05 加粗）。点击方面查看原文。",
        "en": "Aspects and sentiment come from offline text analysis (manyi.text); the negative share has a 95% Wilson interval and its change against the 30 days before (two-proportion z test; q is its p value adjusted by Benjamini–Hochberg across the listed aspects; bold when q < 0.05). Click an aspect to read the comments.",
    },
    "no_themes": {
        "zh-CN": "近30天没有已分析的文本反馈。运行 manyi worker 进行分析。",
        "en": "No analysed feedback text in the last 30 days. Run `manyi worker` to analyse it.",
    },
    "aspect": {"zh-CN": "方面", "en": "Aspect"},
    "dimension": {"zh-CN": "SERVQUAL 维度", "en": "SERVQUAL dimension"},
    "mentions": {"zh-CN": "提及次数", "en": "Mentions"},
    "positive": {"zh-CN": "正面", "en": "Positive"},
    "neutral": {"zh-CN": "中性", "en": "Neutral"},
    "negative": {"zh-CN": "负面", "en": "Negative"},
    "negative_share": {"zh-CN": "负面占比", "en": "Negative share"},
    "tangibles": {"zh-CN": "有形性", "en": "tangibles"},
    "reliability": {"zh-CN": "可靠性", "en": "reliability"},
    "responsiveness": {"zh-CN": "响应性", "en": "responsiveness"},
    "assurance": {"zh-CN": "保证性", "en": "assurance"},
    "empathy": {"zh-CN": "移情性", "en": "empathy"},
    "vs_previous": {"zh-CN": "较前30天", "en": "vs the 30 days before:"},
    "points": {"zh-CN": "个百分点", "en": "pts"},
    "no_previous": {"zh-CN": "前30天未被提及", "en": "not mentioned in the 30 days before"},
    "theme_title": {
        "zh-CN": "{name}：近{days}天的评论",
        "en": "{name}: comments of the last {days} days",
    },
    "theme_help": {
        "zh-CN": "提及该方面的文本反馈与开放题回答，最新的在前；高亮处为提及该方面的分句，标签为该方面的情感。文本已脱敏。",
        "en": "Feedback texts and open answers that mention this aspect, newest first; the highlighted clause mentions it and the label is the aspect's sentiment. Personal data is redacted.",
    },
    "all": {"zh-CN": "全部", "en": "All"},
    "back_home": {"zh-CN": "返回首页", "en": "Back to the overview"},
    "no_comments": {
        "zh-CN": "近{days}天没有符合条件的评论。",
        "en": "No matching comments in the last {days} days.",
    },
    "when": {"zh-CN": "时间", "en": "When"},
    "source": {"zh-CN": "来源", "en": "Source"},
    "comment": {"zh-CN": "评论", "en": "Comment"},
    "aspect_sentiment": {"zh-CN": "该方面情感", "en": "Aspect sentiment"},
    "overall_sentiment": {"zh-CN": "整体情感", "en": "Overall"},
    "feedback": {"zh-CN": "反馈", "en": "feedback"},
    "answer": {"zh-CN": "问卷开放题", "en": "survey answer"},
    "mentioned_in": {"zh-CN": "提及分句", "en": "Mentioned in"},
    "page_of": {
        "zh-CN": "第 {page} / {pages} 页，共 {total} 条",
        "en": "page {page} of {pages} ({total} in all)",
    },
    "previous": {"zh-CN": "上一页", "en": "Previous"},
    "next": {"zh-CN": "下一页", "en": "Next"},
    "past_end": {
        "zh-CN": "第 {page} 页超出范围（共 {pages} 页）。",
        "en": "Page {page} is past the end (there are {pages} pages).",
    },
    "past_end_one": {
        "zh-CN": "第 {page} 页超出范围（共 1 页）。",
        "en": "Page {page} is past the end (there is 1 page).",
    },
    "last_page": {"zh-CN": "转到最后一页", "en": "Go to the last page"},
    "too_many_logins": {
        "zh-CN": "该账号或该地址的登录失败次数过多，请 {minutes} 分钟后再试。",
        "en": "Too many failed sign-ins for this account or from this address. Try again in {minutes} min.",
    },
    "error_400": {"zh-CN": "请求参数有误", "en": "Bad request"},
    "error_401": {"zh-CN": "需要登录", "en": "Sign-in required"},
    "error_403": {"zh-CN": "无权访问", "en": "Not allowed"},
    "error_404": {"zh-CN": "找不到该页面", "en": "Not found"},
    "error_405": {"zh-CN": "不支持该请求方法", "en": "Method not allowed"},
    "error_409": {"zh-CN": "与现有数据冲突", "en": "Conflict"},
    "error_429": {"zh-CN": "请求过于频繁", "en": "Too many attempts"},
    "error_500": {"zh-CN": "服务器内部错误", "en": "Something went wrong"},
    "error_503": {"zh-CN": "服务暂不可用", "en": "Service unavailable"},
    "error_other": {"zh-CN": "错误 {status}", "en": "Error {status}"},
    "error_details": {"zh-CN": "详情", "en": "Details"},
    "nps_help": {
        "zh-CN": "NPS = 推荐者(9–10分)占比 − 贬损者(0–6分)占比",
        "en": "NPS = % promoters (9–10) − % detractors (0–6)",
    },
}


def translator(language: str) -> dict[str, str]:
    lang = "en" if language.startswith("en") else "zh-CN"
    return {key: values[lang] for key, values in TEXTS.items()}


def pick_language(query: str | None, cookie: str | None, accept: str | None, default: str) -> str:
    for candidate in (query, cookie):
        if candidate in ("zh-CN", "en"):
            return candidate
    if accept:
        first = accept.split(",")[0].strip().lower()
        if first.startswith("en"):
            return "en"
        if first.startswith("zh"):
            return "zh-CN"
    return default
