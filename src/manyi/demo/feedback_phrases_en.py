"""English phrase bank for the demo feedback texts (written for this project).

Same layout as :mod:`manyi.demo.feedback_phrases_zh`: clauses start in lower case (the
composer capitalises sentence starts) and carry no final punctuation; slots in braces;
a leading ``[product]`` tag limits a phrase to one product.
"""

from __future__ import annotations

ASPECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "delivery_time": {
        "neg": (
            "the delivery was promised for {date} and turned up {days} days late",
            "I was given a morning slot and nobody came until {time}",
            "{days} days after ordering it still hasn't been dispatched",
            "the delivery date was changed again and again, and I took a day off for nothing",
            "nobody called before the delivery, so I wasn't home and had to rebook",
            "next-day delivery my foot, it arrived {days} days late",
            "tracking has said 'out for delivery' for days and nobody shows up",
            "every time I call about the delivery they say it's on its way",
            "the driver cancelled the slot at the last minute without any reason",
            "my {product} still hasn't arrived",
            "the order was rescheduled {times} times and I'm still waiting",
            "they only give you an all-day window, which is useless if you work",
        ),
        "pos": (
            "delivery was quick, it came the day after I ordered",
            "the driver was bang on time and called half an hour ahead",
            "it arrived a day earlier than expected",
            "they turned up exactly in the slot we agreed",
            "tracking was updated all the way, so I always knew where my order was",
            "ordered in the morning and it was here by the afternoon",
            "they texted the day before to confirm the time, which was thoughtful",
            "even during the sale rush the delivery was on time",
        ),
        "note": (
            "delivery on order {order} {days} days overdue",
            "driver missed the agreed slot on {date}",
            "no tracking update for {days} days",
            "delivery rescheduled several times",
            "no call before delivery, cust not home",
        ),
        "suggest": (
            "could you give a narrower delivery window, say two hours",
            "please call the day before to confirm the delivery time",
            "it would help to see the driver's location live in the app",
        ),
    },
    "delivery_damage": {
        "neg": (
            "the box was torn and the side of the {product} is dented",
            "they banged the door frame carrying it in and didn't say a word",
            "there's a scratch on the front panel, clearly from transport",
            "the delivery guys refused to carry it upstairs",
            "a bag of parts was missing and the driver said it wasn't his problem",
            "I was charged {amount} yuan extra for carrying it up the stairs",
            "[tv]the TV screen was cracked when we opened the box",
            "they delivered the wrong model, I ordered the {model}",
        ),
        "pos": (
            "it was packed really well and arrived without a scratch",
            "they carried it up six floors without a single complaint",
            "they were careful with it and even protected the door frame",
            "they unboxed it with me and checked everything before leaving",
            "the driver took all the packaging away",
        ),
        "note": (
            "{product} arrived damaged, cust wants replacement",
            "driver refused to carry upstairs",
            "parts missing on delivery",
            "wrong model delivered vs order {order}",
        ),
        "suggest": (
            "please unbox large items with the customer on delivery",
            "state the stair-carry fee clearly when ordering",
        ),
    },
    "installer_attitude": {
        "neg": (
            "the installer was rude and got impatient whenever I asked something",
            "the technician complained about the job from the moment he walked in",
            "he was on the phone the whole time and left without explaining anything",
            "the installer was two hours late and didn't even apologise",
            "he hinted that he'd do a proper job only if I paid extra",
            "when I asked how to use it he told me to read the manual",
            "the installer smoked in our flat",
        ),
        "pos": (
            "{staff} was lovely and patiently showed us how everything works",
            "the installer was very polite and put on shoe covers without being asked",
            "the technician even set up the {product} settings for us",
            "he answered every question in a friendly way",
            "the installer was really conscientious and checked his work several times",
            "the installer was patient enough to teach my parents how to use it",
        ),
        "note": (
            "complaint about installer's attitude",
            "installer late without notice",
            "installer asked cust for extra cash",
        ),
        "note_pos": ("praise for {staff}, patient and thorough", "cust pleased with installer"),
        "suggest": (
            "installers could do with some customer-service training",
            "please have the installer call before coming",
        ),
    },
    "install_quality": {
        "neg": (
            "[ac]the air conditioner started leaking the day after it was installed",
            "[washer]the washing machine wasn't levelled and shakes violently on spin",
            "[ac]it didn't cool at all after installation and the installer blamed the unit",
            "the holes in the wall were drilled crooked",
            "[tv]the TV bracket is wobbly, I don't trust it",
            "after two hours the installer still hadn't finished and had to come back",
            "[fridge]the fridge door was fitted unevenly and doesn't close properly",
            "[washer]the drain hose wasn't connected properly and water went everywhere",
            "they left without even testing that it worked",
        ),
        "pos": (
            "the installation was very professional and neat",
            "the installer knew his job, it was up and running within an hour",
            "it runs quietly, no strange noises at all",
            "[tv]the bracket is solid and perfectly level",
            "he checked the wiring and plumbing before starting, very thorough",
            "he tested every function and showed us how it all works",
        ),
        "note": (
            "{product} leaking after installation, recheck needed",
            "fault at test run after installation",
            "installed in the wrong position",
            "installation incomplete, second visit needed",
        ),
        "suggest": (
            "an installation checklist to sign off would be good",
            "a quick demo of the main functions after installing would help",
        ),
    },
    "cleanliness": {
        "neg": (
            "they left dust and debris all over the floor",
            "the boxes and foam were dumped outside my door",
            "no shoe covers, so there were footprints all over the flat",
            "drilling dust everywhere and they didn't clean any of it",
        ),
        "pos": (
            "they left the place spotless",
            "the installer brought a vacuum and cleaned up all the dust",
            "they took all the packaging away with them",
            "shoe covers and dust sheets the whole time, not a mark anywhere",
        ),
        "note": ("site not cleaned after installation", "packaging left behind"),
        "suggest": ("please clean up after installing", "use dust sheets when drilling"),
    },
    "repair_speed": {
        "neg": (
            "I reported the fault {days} days ago and nobody has come",
            "the repair visit was rescheduled three times",
            "we've been waiting {days} days for a spare part",
            "nobody contacted me after I reported the fault, I had to keep chasing",
            "[ac]the air conditioner broke in a heatwave and took a week to fix",
            "you promise a response within {hours} hours and I heard nothing for two days",
            "[fridge]the fridge was broken for five days and all our food went off",
        ),
        "pos": (
            "a technician came the same afternoon I reported it",
            "the repair was sorted the very next day",
            "the part arrived quickly and the whole repair took under {days} days",
            "someone came out even at the weekend",
        ),
        "note": (
            "fault reported {days} days ago, no visit booked",
            "cust chasing repair, part not in stock",
            "repair visit rescheduled repeatedly",
            "cust asks to expedite ticket {ticket}",
        ),
        "suggest": (
            "give a firm visit time when a repair is booked",
            "keep common spare parts in stock",
        ),
    },
    "repair_quality": {
        "neg": (
            "it's been repaired twice and the same fault keeps coming back",
            "the technician glanced at it and quoted {amount} yuan for a new board",
            "it broke again a few days after the repair",
            "the technician couldn't find the fault and just left",
            "they wouldn't show me the old parts and the bill makes no sense",
        ),
        "pos": (
            "the technician found the problem quickly and fixed it first time",
            "he also showed us how to look after it",
            "it has worked perfectly since the repair",
            "it was under warranty, so parts and labour were free",
        ),
        "note": (
            "same fault recurred after repair",
            "cust disputes repair quote",
            "second repair failed, cust wants replacement",
        ),
        "suggest": ("follow up a week after a repair to check it's fixed",),
    },
    "price": {
        "neg": (
            "they charged {amount} yuan for installation materials nobody mentioned",
            "the price dropped by {amount} yuan right after I bought it and price protection was refused",
            "the store price was hundreds more than online",
            "'free installation' turned out to exclude the bracket and pipes",
            "the charges aren't transparent and nobody could explain them",
            "an extended warranty was added to my order without asking",
        ),
        "pos": (
            "fair prices, and every charge was explained up front",
            "the price dropped after I bought it and customer care refunded the difference",
            "the installation cost exactly what the store said, no extras",
            "great sale price and all the free gifts arrived",
        ),
        "note": (
            "disputes installation material charges",
            "price protection claim, difference {amount} yuan",
            "store and online prices differ",
        ),
        "suggest": ("publish the price list for installation materials",),
    },
    "app": {
        "neg": (
            "the app crashes as soon as I open it, so I can't order",
            "booking an installation in the app failed several times",
            "I paid but the order still shows as unpaid",
            "since the update I can't find where to report a fault",
            "the coupon I got in the app can't be used",
            "the app keeps asking for a verification code that never arrives",
        ),
        "pos": (
            "the app is easy, ordering and booking the installation took a minute",
            "I could follow the technician's location in the app",
            "reporting a fault online was quick",
            "the website has detailed specs, which made comparing easy",
        ),
        "note": (
            "app crashes, cannot order",
            "installation booking in app fails",
            "order {order} paid but status not updated",
        ),
        "suggest": (
            "add repair tracking to the app",
            "a large-text mode in the app would help older users",
        ),
    },
    "hotline_wait": {
        "neg": (
            "I called the hotline {times} times and never got through",
            "I was on hold for {minutes} minutes",
            "it's almost impossible to reach a human, the phone menu goes round in circles",
            "the line is always busy",
            "the online chat takes ages to reply",
        ),
        "pos": (
            "the hotline picked up straight away",
            "the online chat answered within seconds",
            "someone answered even at ten at night",
        ),
        "note": ("could not get through on hotline", "complains about long hold times"),
        "suggest": (
            "add staff on the hotline at peak times",
            "offer a call-back instead of holding",
        ),
    },
    "agent_service": {
        "neg": (
            "customer care just says 'we've passed it on' and nothing happens",
            "I have to explain everything from scratch every time I call",
            "the agent promised a call back by {date} and nobody called",
            "customer care keeps passing me from one department to another",
            "the agent sounded like she was reading from a script",
        ),
        "pos": (
            "the agent, {agent}, was patient and sorted it out in one call",
            "customer care rearranged the installation for me without any fuss",
            "they called back exactly when they said they would",
            "one call and the problem was solved",
        ),
        "note": (
            "earlier promise of call back not kept",
            "repeat caller, issue unresolved",
        ),
        "note_pos": ("praise for agent {agent}", "cust happy with how issue was handled"),
        "suggest": ("agents should be able to see the repair status directly",),
    },
    "refund": {
        "neg": (
            "I returned it {days} days ago and still haven't been refunded",
            "they said 3 to 5 working days for the refund and it's been two weeks",
            "the exchange process is a nightmare",
            "nobody came to collect the return, twice",
        ),
        "pos": (
            "the refund came through the next day",
            "the exchange was smooth, they swapped the unit in one visit",
        ),
        "note": ("chasing refund on order {order}", "return pickup missed"),
        "suggest": ("show refund progress in the app",),
    },
    "billing": {
        "neg": (
            "the invoice had the wrong company name and nobody will reissue it",
            "I was overcharged {amount} yuan and still haven't got it back",
            "my card was charged twice for the same order",
        ),
        "pos": (
            "the e-invoice was emailed to me straight away",
            "the bill was clear and itemised",
        ),
        "note": (
            "wants invoice reissued",
            "overcharged {amount} yuan",
            "double charge on order {order}",
        ),
        "suggest": ("issue the invoice together with the order",),
    },
    "product_quality": {
        "neg": (
            "the {product} broke down after only {days} days",
            "[fridge]the fridge is so noisy we can't sleep",
            "[washer]the washing machine leaves black bits on the clothes",
            "[tv]a bright line has appeared across the TV screen",
            "[ac]the air conditioner barely cools the room",
            "the build quality is poor, there are rough edges",
            "[small]the robot vacuum keeps getting stuck and can't find its dock",
        ),
        "pos": (
            "the {product} is great, no problems in six months",
            "it works well and is quieter than I expected",
            "solid build and it looks good too",
            "great value for money",
        ),
        "note": (
            "{product} faulty after {days} days",
            "cust wants {product} replaced",
            "{model} making noise",
        ),
        "suggest": ("the {product} manual could be written more simply",),
    },
    "store_advice": {
        "neg": (
            "the sales assistant kept pushing the most expensive model",
            "the store staff couldn't answer basic questions about the product",
            "nobody served us in the store on a Saturday",
            "a free gift the salesperson promised never turned up",
        ),
        "pos": (
            "the store assistant really knew her stuff and found the right model for our flat",
            "the staff explained everything without any hard sell",
            "being able to try it in the store helped a lot",
        ),
        "note": ("promise made in store not kept", "pushy sales in store"),
        "suggest": ("have more display models to try in store",),
    },
    "followup": {
        "neg": (
            "the follow-up calls are just sales pitches for extended warranties",
            "they said they'd follow up after the repair and never did",
        ),
        "pos": (
            "they called the next day to check everything was fine, nice touch",
            "the follow-up call reminded me about maintenance",
        ),
        "note": ("follow-up: issue still open", "cust finds follow-up calls too frequent"),
        "note_pos": ("follow-up: issue resolved, cust satisfied",),
        "suggest": ("one follow-up call is enough",),
    },
}

INCIDENT_NEG: tuple[str, ...] = (
    "I hear you changed delivery company and now nothing turns up on time",
    "tracking hasn't moved for {days} days and customer care says the courier is overloaded",
    "the depot says they're short of drivers, so my {product} is stuck in a warehouse",
    "the new courier left it downstairs without even calling",
)
INCIDENT_NOTE: tuple[str, ...] = (
    "courier delay {days} days",
    "courier backlog, order {order} stuck at depot",
    "third-party courier missed slot",
)

OPENINGS: dict[str, tuple[str, ...]] = {
    "complaint": (
        "I want to make a complaint. ",
        "Really disappointed. ",
        "Order {order}: ",
        "I bought a {product} from you on {date}. ",
        "",
        "",
        "Not happy at all. ",
    ),
    "review": (
        "",
        "",
        "",
        "Bought a {product}. ",
        "Second purchase from Anxin. ",
        "Update: ",
        "{model}: ",
    ),
    "email": ("Hello,\n", "Dear Anxin team,\n", "Hi there,\n", "To whom it may concern,\n"),
    "email_context": (
        "I ordered a {product} on {date} (order {order}). ",
        "My order number is {order}. ",
        "My repair ticket is {ticket}. ",
        "",
    ),
    "praise": ("Just want to say thank you! ", "Credit where it's due. ", "", ""),
    "suggestion": ("A suggestion: ", "Some feedback from a regular customer: ", "", "Idea: "),
    "social_post": ("@AnxinHome ", "", "", "PSA: ", "Honest review: "),
    "comment_pos": ("Great overall. ", "Very happy. ", "Good service. ", "Excellent. "),
    "comment_neg": ("Poor experience. ", "Very disappointed. ", "Not good. ", "Frustrating. "),
    "comment_mixed": ("It was OK. ", "Mixed experience. ", "Not bad. "),
    "staff_entry": ("Store note: ", "Visit note: ", "On-site feedback: ", "Technician report: "),
}

CLOSINGS: dict[str, tuple[str, ...]] = {
    "complaint": (
        "Please sort this out.",
        "I expect a refund.",
        "I want an explanation.",
        "",
        "I'm waiting for your reply.",
        "Very disappointed.",
    ),
    "review_neg": ("Won't buy again.", "Avoid.", "One star.", "", "Disappointed."),
    "review_pos": ("Highly recommend!", "Five stars.", "Would buy again.", "", "Very happy."),
    "review_mixed": ("It's OK.", "Could be better.", "Three stars.", ""),
    "email": ("Regards", "Thanks", "Looking forward to your reply", "Kind regards"),
    "email_pos": ("Many thanks", "Best wishes", "Thanks again"),
    "praise": ("Thank you!", "Great service.", "Please pass on my thanks.", ""),
    "suggestion": ("Thanks for listening.", "", "Just an idea."),
    "social_neg": ("#fail", "Never again.", "", "Avoid."),
    "social_pos": ("Recommended!", "", "👍"),
    "staff_entry": ("Logged and reported.", "Passed to store manager.", ""),
}

NEG_EXTRAS: tuple[str, ...] = (
    "I've called {times} times already",
    "I took a day off work for this",
    "this has been going on for two weeks",
    "the whole family has been waiting",
    "what happened to your service promise",
)
POS_EXTRAS: tuple[str, ...] = (
    "I'll definitely use you again",
    "I've already recommended you to friends",
    "much better than I expected",
    "a really pleasant experience",
)

ADDITIVE: tuple[str, ...] = ("and", "on top of that", "also", "and to make it worse")
CONTRAST: tuple[str, ...] = ("but", "however", "although", "that said")

CALL_OPENERS: tuple[str, ...] = (
    "Cust called re ",
    "Inbound call: ",
    "Call from cust: ",
    "Repeat caller: ",
)
CALL_OPENERS_VERB: tuple[str, ...] = CALL_OPENERS
NOTE_VERBS: tuple[str, ...] = ()
CALL_ACTIONS: tuple[str, ...] = (
    "Apologised",
    "Calmed cust down",
    "Ticket {ticket} logged",
    "Explained timeline",
    "Apologised, promised reply within {hours}h",
    "Offered {amount} yuan voucher",
)
CALL_ROUTES: dict[str, tuple[str, ...]] = {
    "LOG": ("Passed to Delivery", "Asked depot to expedite"),
    "INS": ("Passed to Installation", "Recheck booked for {next_date}"),
    "CS": ("Team lead to call back", "Escalated to supervisor"),
    "STO": ("Passed to store manager",),
    "ECO": ("Bug report filed with app team",),
    "FIN": ("Passed to Billing", "Refund escalated"),
}
CALL_OUTCOMES: tuple[str, ...] = (
    ".",
    ". Follow-up pending.",
    ". Cust accepted.",
    ". Cust still unhappy, escalated.",
)

PII_PHONE: tuple[str, ...] = (
    "You can reach me on {phone}",
    "Call me on {phone}",
    "My number is {phone}",
)
PII_EMAIL: tuple[str, ...] = (
    "My email is {email}",
    "Please reply to {email}",
    "Contact me at {email}",
)

STAFF_NAMES: tuple[str, ...] = (
    "Mr Wang",
    "Mr Li",
    "the technician, Mr Zhang",
    "Mr Chen",
    "the installer, Mr Liu",
)
AGENT_NAMES: tuple[str, ...] = ("Amy", "Kevin", "agent #{agent_id}", "Linda", "Jason")
TIMES: tuple[str, ...] = ("7 pm", "after 8 in the evening", "5 pm", "dark")
PRODUCT_WORDS: dict[str, tuple[str, ...]] = {
    "fridge": ("fridge", "fridge-freezer", "refrigerator"),
    "washer": ("washing machine", "washer-dryer"),
    "ac": ("air conditioner", "AC unit"),
    "tv": ("TV", "65-inch TV"),
    "small": ("robot vacuum", "rice cooker", "air purifier", "dishwasher"),
}
GIBBERISH: tuple[str, ...] = (
    "asdfgh",
    "...",
    "111",
    "jjjjjj",
    "qwerty",
    "ok ok ok",
    "n/a",
    "xxx",
    "zzzz",
)
