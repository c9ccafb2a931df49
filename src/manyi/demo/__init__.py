"""The demo data set of manyi: a fictional home-appliance service company, 安心家居服务.

Everything here is pure generation, deterministic from a seed, with no database and no
I/O: ``company`` (departments, touchpoints, channels, customers), ``surveys`` (four
bilingual survey definitions), ``responses`` (survey answers with a known driver
structure, seasonality, an incident and low-quality answers) and ``feedback``
(complaints, call notes, reviews and other free text with their true aspects). The
loader behind ``manyi demo`` persists what these functions return. The true parameters
that analyses should recover are written down in docs/demo.md.
"""
