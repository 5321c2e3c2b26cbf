"""The naming rules of the noun language.

* :func:`kebab` turns a noun's PascalCase name into its default ``singular``
  (``ServiceCustomer`` → ``service-customer``).
* :func:`plural` turns a kebab-case singular into its default ``plural``,
  pluralising only the last word (``service-customer`` → ``service-customers``).
* :func:`past_tense` derives the event an action emits by default: the past
  tense of the verb, with ``verbObject`` becoming ``objectVerbed``
  (``addCustomer`` → ``customerAdded``, ``send`` → ``sent``).
* :func:`split_verb` splits an action name into its verb and the rest.

Everything here is pure, cached and cheap to import: the word lists are plain
literals, parsed once at import. Adding a word is one entry in one of them.
Spelling is American (``canceled``, ``labeled``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import inflection

__all__ = ["kebab", "past_tense", "plural", "split_verb"]


def _words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of ``text``."""
    return tuple(text.split())


def _pairs(text: str) -> dict[str, str]:
    """``"a:b c"`` → ``{"a": "b", "c": "c"}``: a bare word maps to itself."""
    out: dict[str, str] = {}
    for item in _words(text):
        key, _, value = item.partition(":")
        out[key] = value or key
    return out


# --------------------------------------------------------------------------
# kebab
# --------------------------------------------------------------------------

# An acronym's plural: ``IDs`` in ``UserIDs`` is one word, not ``I`` + ``Ds``.
_ACRONYM_PLURAL = re.compile(r"([A-Z]{2,})s(?=[A-Z0-9_\-\s]|$)")
_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=4096)
def kebab(name: str) -> str:
    """The kebab-case form of a PascalCase or camelCase name.

    ``ServiceCustomer`` → ``service-customer``, ``HTTPRequestLog`` →
    ``http-request-log``, ``APIKey`` → ``api-key``, ``UserIDs`` → ``user-ids``.
    Digits stay with the word before them (``OAuth2Token`` → ``o-auth2-token``);
    underscores, spaces and other separators become single hyphens.
    """
    text = _ACRONYM_PLURAL.sub(lambda m: m.group(1) + "S", name)
    return _NOT_WORD.sub("-", inflection.underscore(text)).strip("-")


# --------------------------------------------------------------------------
# plural
# --------------------------------------------------------------------------

# Whole-word plurals that `inflection` gets wrong or does not know. A bare word
# does not change (uncountable, or already plural).
_PLURALS = _pairs(
    """
    cow:cows human:humans move:moves testis:testes
    tooth:teeth foot:feet goose:geese mouse:mice louse:lice dormouse:dormice
    criterion:criteria phenomenon:phenomena datum:data medium:media
    bacterium:bacteria quantum:quanta consortium:consortia symposium:symposia
    millennium:millennia curriculum:curricula memorandum:memoranda
    cactus:cacti fungus:fungi nucleus:nuclei radius:radii stimulus:stimuli
    alumnus:alumni syllabus:syllabi genus:genera corpus:corpora
    octopus:octopuses virus:viruses
    appendix:appendices
    lens:lenses iris:irises penny:pennies
    quiz:quizzes fez:fezzes whiz:whizzes
    shaman:shamans talisman:talismans caiman:caimans german:germans roman:romans
    ottoman:ottomans walkman:walkmans
    deer moose bison salmon trout shrimp swine aircraft spacecraft hovercraft
    offspring cattle police personnel staff
    software hardware firmware middleware malware feedback metadata data media
    criteria equipment information money rice fish sheep series species news
    chassis tennis trivia wildlife
    """
)

# Words whose last ``f``/``fe`` becomes ``ves``; compounds follow (``bookshelf``).
_VES = ("knife", "life", "wife", "leaf", "loaf", "thief", "sheaf", "wolf", "half", "calf")
_VES_LF = ("shelf", "self", "elf", "scarf", "wharf", "dwarf", "hoof")
# Words in ``o`` that take ``es``; compounds follow (``superhero``).
_OES = _words(
    "hero echo veto torpedo embargo mosquito domino volcano tornado potato tomato buffalo cargo"
)
# Words whose ``ch`` sounds ``k``: they take ``s``.
_CH_K = frozenset(
    _words("stomach monarch epoch tech patriarch matriarch oligarch eunuch loch czech")
)


def _plural_word(word: str) -> str:
    """The plural of one lowercase word."""
    if word in _PLURALS:
        return _PLURALS[word]
    if word.endswith(_VES):
        return word[:-2] + "ves" if word.endswith("fe") else word[:-1] + "ves"
    if word.endswith(_VES_LF):
        return word[:-1] + "ves"
    if word.endswith(("f", "fe")):
        return word + "s"  # chef, roof, belief, safe, cafe, golf, gulf, surf
    if word.endswith(_OES):
        return word + "es"
    if word in _CH_K:
        return word + "s"
    if word.endswith("z"):
        return word + "es"  # topaz, waltz, buzz (quiz and fez are listed)
    if word.endswith(("us", "as")) or (word.endswith("is") and not word.endswith(("sis", "xis"))):
        return word + "es"  # bonus, campus, status, canvas, gas, atlas, bias, dais
    if word.endswith("s") and not word.endswith(("ss", "sis", "xis")):
        return word  # metrics, settings, analytics, news: already plural
    if word.endswith(("um", "ta", "ia", "ice", "men", "ouse")):
        return word + "s"  # premium, quota, slice, specimen, blouse (Latin ones, mouse listed)
    return inflection.pluralize(word)


@lru_cache(maxsize=4096)
def plural(singular: str) -> str:
    """The English plural of a kebab-case singular, pluralising its last word.

    ``service-customer`` → ``service-customers``, ``status`` → ``statuses``,
    ``person`` → ``people``, ``category`` → ``categories``, ``metrics`` →
    ``metrics``: a last word ending in ``s`` is taken as already plural unless
    it ends in ``-ss``, ``-us``, ``-as`` or ``-is`` (``address``, ``bonus``,
    ``canvas``, ``analysis``, ``iris``).
    """
    head, sep, last = singular.rpartition("-")
    if not last:
        return singular
    low = last.lower()
    word = _plural_word(low)
    if last != low:  # keep a capital on the first letter, if the word had one
        word = word[:1].upper() + word[1:] if last[:1].isupper() else word
    return head + sep + word


# --------------------------------------------------------------------------
# past tense
# --------------------------------------------------------------------------

# Irregular past tenses, ``base:past``; a bare word is its own past tense.
# Prefixed forms (re-, un-, over-, under-, out-, mis-, pre-, up-, with-, fore-)
# are derived from these: ``rebuild`` → ``rebuilt``, ``undergo`` → ``underwent``.
_IRREGULAR = _pairs(
    """
    arise:arose awake:awoke babysit:babysat backslide:backslid be:was bear:bore beat
    become:became befall:befell beget:begot begin:began behold:beheld bend:bent
    beseech:besought beset bespeak:bespoke bestride:bestrode bet bid bind:bound bite:bit
    bleed:bled blow:blew break:broke breed:bred bring:brought broadcast browbeat build:built
    burst buy:bought cast catch:caught choose:chose cling:clung come:came cost
    countersink:countersank creep:crept crossbreed:crossbred cut deal:dealt dig:dug do:did
    draw:drew drink:drank drive:drove dwell:dwelt eat:ate fall:fell feed:fed feel:felt
    fight:fought find:found flee:fled fling:flung fly:flew forbear:forbore forbid:forbade
    forecast forget:forgot forgive:forgave forgo:forwent forsake:forsook forswear:forswore
    freeze:froze gainsay:gainsaid get:got ghostwrite:ghostwrote give:gave go:went
    grind:ground grow:grew hamstring:hamstrung hang:hung have:had hear:heard hide:hid hit
    hold:held hurt inbreed:inbred inlay:inlaid input inset interbreed:interbred
    joyride:joyrode keep:kept kneel:knelt know:knew lay:laid lead:led leave:left lend:lent
    let light:lit lipread lose:lost make:made mean:meant meet:met offset output
    partake:partook pay:paid proofread put quit read rend:rent rid ride:rode ring:rang
    rise:rose run:ran say:said see:saw seek:sought sell:sold send:sent set shake:shook shed
    shine:shone shoot:shot shrink:shrank shut sing:sang sink:sank sit:sat slay:slew
    sleep:slept slide:slid sling:slung slink:slunk slit smite:smote speak:spoke speed:sped
    spend:spent spin:spun spit:spat split spread spring:sprang stand:stood steal:stole
    stick:stuck sting:stung stink:stank stride:strode strike:struck string:strung
    strive:strove sublet swear:swore sweep:swept swim:swam swing:swung take:took
    teach:taught tear:tore tell:told think:thought throw:threw thrust tread:trod typecast
    typeset upset wake:woke waylay:waylaid wear:wore weave:wove weep:wept win:won wind:wound
    wring:wrung write:wrote
    """
)
# Words that look prefixed but are regular: ``relay`` is not re-``lay``.
_REGULAR = frozenset(_words("relay retread"))
_PREFIXES = ("under", "over", "with", "fore", "out", "mis", "pre", "re", "un", "up")
# A one-syllable stem after a prefix must start like an English word for the
# prefixed word to double like it (``unplug``, ``recap``; not ``render``).
_ONSET = re.compile(
    r"(?:sch|scr|shr|spl|spr|squ|str|thr|bl|br|ch|cl|cr|dr|dw|fl|fr|gl|gr|kn|ph|pl|pr|qu"
    r"|sc|sh|sk|sl|sm|sn|sp|st|sw|th|tr|tw|wh|wr|[bcdfghjklmnpqrstvwyz])[aeiou]"
)

# Doubling of the final consonant in words of more than one syllable stressed
# on the last one (one-syllable words ending consonant-vowel-consonant double
# without being listed).
_DOUBLE = frozenset(
    _words(
        """
    submit commit permit admit omit emit transmit remit acquit outwit befit refit
    refer prefer defer confer infer transfer deter aver
    occur recur incur concur demur
    control patrol compel expel propel repel dispel impel excel rebel enthral extol
    distil instil annul rebut abut regret forget begin equip allot abhor
    unzip unpin unwrap unplug unclip unsnap outrun overlap overstep sidestep
    embed debug format program kidnap handicap zigzag bootstrap wiretap eavesdrop
    airdrop sunset abet backdrop backlog backstop bobsled bootleg cobweb costar debar
    disbar entrap leapfrog sandbag retrofit fulfil imbed up
    """
    )
)
# Words in ``c`` that take ``ked`` (the rest just take ``ed``: ``synced``).
_CKED = frozenset(_words("panic picnic mimic traffic frolic bivouac shellac politic"))

# Particles that stay with the verb: ``signUp`` → ``signedUp``.
_PARTICLES = ("up", "down", "in", "out", "off", "on", "back", "over", "away")
_CAMEL_VERB = re.compile(r"[A-Za-z][a-z0-9]*")
_CAMEL_PARTICLE = re.compile(r"(?:Up|Down|In|Out|Off|On|Back|Over|Away)(?=[^a-z]|$)")
_SEPARATOR = re.compile(r"[_\-\s]")
_LEADING_CAPS = re.compile(r"[A-Z]{2,}s(?=[^a-z]|$)|[A-Z]+(?=[A-Z][a-z]|[^A-Za-z]|$)|[A-Z]")

_VOWELS = frozenset("aeiou")
_VOWEL_GROUP = re.compile(r"[aeiou]+|(?<=[^aeiou])y")


def _syllables(word: str) -> int:
    """A rough syllable count (vowel groups; ``qu`` counts as a consonant)."""
    return len(_VOWEL_GROUP.findall(word.replace("qu", "q")))


def _ends_cvc(word: str) -> bool:
    """Whether ``word`` ends consonant-vowel-consonant, the last not w, x or y."""
    w = word.replace("qu", "q")
    return (
        len(w) >= 3
        and w[-1] not in _VOWELS
        and w[-1] not in "wxy"
        and w[-2] in _VOWELS
        and w[-3] not in _VOWELS
    )


def _irregular(word: str) -> str | None:
    """The irregular past tense of ``word``, directly or through a prefix."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _REGULAR:
        return None
    for prefix in _PREFIXES:
        stem = word[len(prefix) :]
        if word.startswith(prefix) and len(stem) >= 2:
            past = _irregular(stem)
            if past is not None:
                return prefix + past
    return None


def _regular(word: str) -> str:
    """The ``-ed`` past tense of a regular verb."""
    if word.endswith("e"):
        return word + "d"  # create, agree, free, dye, hoe, tie
    if word.endswith("y"):
        return word[:-1] + "ied" if len(word) > 1 and word[-2] not in _VOWELS else word + "ed"
    if word.endswith("c"):
        return word + "ked" if word in _CKED else word + "ed"
    return word + word[-1] + "ed" if _doubles(word) else word + "ed"


def _doubles(word: str) -> bool:
    """Whether ``word`` doubles its final consonant before ``-ed``."""
    if word in _DOUBLE or (_ends_cvc(word) and _syllables(word) == 1):
        return True
    for prefix in _PREFIXES:
        stem = word[len(prefix) :]
        if word.startswith(prefix) and (
            stem in _DOUBLE or (_ONSET.match(stem) and _ends_cvc(stem) and _syllables(stem) == 1)
        ):
            return True
    return False


@lru_cache(maxsize=4096)
def _past_word(word: str) -> str:
    """The past tense of one lowercase verb."""
    irregular = _irregular(word)
    return irregular if irregular is not None else _regular(word)


def _split(action: str) -> tuple[str, str, str, str]:
    """``(verb, particle, rest, separator)`` of an action name.

    camelCase splits before the first capital (``addCustomer``), snake_case and
    kebab-case at the first separator (``add_customer``). A particle right after
    the verb stays with it (``signUpCustomer``: ``sign``, ``Up``, ``Customer``).
    """
    sep_match = _SEPARATOR.search(action)
    if sep_match:
        sep = sep_match.group()
        words = action.split(sep)
        if len(words) > 1 and words[1].lower() in _PARTICLES:
            return words[0], words[1], sep.join(words[2:]), sep
        return words[0], "", sep.join(words[1:]), sep
    verb_match = _CAMEL_VERB.match(action)
    if verb_match is None:
        return action, "", "", ""
    verb, rest = verb_match.group(), action[verb_match.end() :]
    particle_match = _CAMEL_PARTICLE.match(rest)
    if particle_match:
        return verb, particle_match.group(), rest[particle_match.end() :], ""
    return verb, "", rest, ""


def split_verb(action: str) -> tuple[str, str]:
    """``(verb, object)`` of an action name: ``addCustomer`` → ``("add", "Customer")``.

    The object keeps its spelling. A particle belongs to the verb
    (``signUpCustomer`` → ``("signUp", "Customer")``); snake_case and kebab-case
    split at the first separator (``add_customer`` → ``("add", "customer")``).
    """
    verb, particle, rest, sep = _split(action)
    return (verb + sep + particle if particle else verb), rest


def _lower_first(word: str) -> str:
    """``Customer`` → ``customer``, ``APIKey`` → ``apiKey``, ``URL`` → ``url``."""
    m = _LEADING_CAPS.match(word)
    return word if m is None else m.group().lower() + word[m.end() :]


def _upper_first(word: str) -> str:
    return word[:1].upper() + word[1:]


@lru_cache(maxsize=4096)
def past_tense(verb: str) -> str:
    """The event an action emits by default: its past tense, object first.

    ``create`` → ``created``, ``send`` → ``sent``, ``reset`` → ``reset``,
    ``addCustomer`` → ``customerAdded``, ``sendInvoiceReminder`` →
    ``invoiceReminderSent``, ``signUp`` → ``signedUp``. snake_case and
    kebab-case keep their separator (``add_customer`` → ``customer_added``).
    """
    head, particle, rest, sep = _split(verb)
    if not head:
        return verb
    past = _past_word(head.lower())
    if head[:1].isupper():
        past = _upper_first(past)
    if not rest:
        return past + sep + particle if particle else past
    if sep:
        return sep.join(part for part in (rest, past, particle) if part)
    return _lower_first(rest) + _upper_first(past) + particle
