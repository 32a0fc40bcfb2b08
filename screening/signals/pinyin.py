"""Hanyu Pinyin syllables (tone marks folded), to join names spelt syllable by syllable.

Chinese names reach English filings spaced in different ways: "Zhong Xing" and "Zhongxing",
"Qi An Xin" and "Qianxin", "Jiao Tong" and "Jiaotong". Two or more neighbouring words that
are each a syllable are written as one word, so every spacing gives the same key. Joining
English words that happen to be syllables ("he", "long") is harmless: it only merges names
that differ by their spaces, and the registry's collision check reports any two entities
it would merge.
"""

from __future__ import annotations

_SYLLABLES = """
a ai an ang ao e ei en eng er o ou
yi ya yao ye you yan yin yang ying yong yu yue yuan yun
wu wa wo wai wei wan wen wang weng
ba bo bai bei bao ban ben bang beng bi bie biao bian bin bing bu
pa po pai pei pao pou pan pen pang peng pi pie piao pian pin ping pu
ma mo me mai mei mao mou man men mang meng mi mie miao miu mian min ming mu
fa fo fei fou fan fen fang feng fu
da de dai dei dao dou dan den dang deng dong di die diao diu dian ding du duo dui duan dun
ta te tai tao tou tan tang teng tong ti tie tiao tian ting tu tuo tui tuan tun
na ne nai nei nao nou nan nen nang neng nong ni nie niao niu nian nin niang ning
nu nuo nuan nv nve nue
la le lai lei lao lou lan lang leng long li lia lie liao liu lian lin liang ling
lu luo luan lun lv lve lue
ga ge gai gei gao gou gan gen gang geng gong gu gua guo guai gui guan gun guang
ka ke kai kei kao kou kan ken kang keng kong ku kua kuo kuai kui kuan kun kuang
ha he hai hei hao hou han hen hang heng hong hu hua huo huai hui huan hun huang
ji jia jie jiao jiu jian jin jiang jing jiong ju jue juan jun
qi qia qie qiao qiu qian qin qiang qing qiong qu que quan qun
xi xia xie xiao xiu xian xin xiang xing xiong xu xue xuan xun
zha zhe zhi zhai zhei zhao zhou zhan zhen zhang zheng zhong zhu zhua zhuo zhuai zhui
zhuan zhun zhuang
cha che chi chai chao chou chan chen chang cheng chong chu chua chuo chuai chui chuan
chun chuang
sha she shi shai shei shao shou shan shen shang sheng shu shua shuo shuai shui shuan
shun shuang
re ri rao rou ran ren rang reng rong ru ruo rui ruan run
za ze zi zai zei zao zou zan zen zang zeng zong zu zuo zui zuan zun
ca ce ci cai cao cou can cen cang ceng cong cu cuo cui cuan cun
sa se si sai sao sou san sen sang seng song su suo sui suan sun
"""

SYLLABLES: frozenset[str] = frozenset(_SYLLABLES.split())


def join_syllables(words: list[str]) -> list[str]:
    """Write each run of two or more pinyin syllables as one word: zhong xing -> zhongxing."""
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:  # the empty word ends the last run
        if word in SYLLABLES:
            run.append(word)
            continue
        if len(run) > 1:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if word:
            out.append(word)
    return out
