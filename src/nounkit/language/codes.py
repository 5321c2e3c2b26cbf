"""The stable code of every problem a noun definition can have.

Tools and tests match on these codes, never on the wording of a message, which
may improve from release to release. A code keeps its meaning once published;
a new kind of problem gets a new code. The hundreds group them:

    NK1xx  reading a file: missing, unreadable, not safe, JSON-shaped YAML
    NK2xx  shape: what the noun language's grammar allows where
    NK3xx  properties: types, constraints, defaults, examples, enum values
    NK4xx  expressions of rules and computed values
    NK5xx  actions, events and lifecycles
    NK6xx  relationships
    NK7xx  names declared twice
    NK8xx  Schema.org terms (``class:`` and ``iri:``)
    NK9xx  the configuration and the handlers it names
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

__all__ = ["SUMMARIES", "Code"]


class Code(StrEnum):
    """A problem's code; equal to its plain string (``Code.UNKNOWN_KEY == "NK201"``)."""

    NO_SUCH_FILE = "NK101"
    CANNOT_READ = "NK102"
    NOT_UTF8 = "NK103"
    TOO_LARGE = "NK104"
    YAML_SYNTAX = "NK105"
    TAG_NOT_ALLOWED = "NK106"
    DUPLICATE_KEY = "NK107"
    BAD_ALIAS = "NK108"
    TOO_MANY_VALUES = "NK109"
    TOO_DEEP = "NK110"
    MANY_DOCUMENTS = "NK111"
    UNREADABLE_VALUE = "NK112"
    COMPLEX_KEY = "NK113"

    UNKNOWN_KEY = "NK201"
    MISSING_KEY = "NK202"
    WRONG_TYPE = "NK203"
    NOT_ONE_OF = "NK204"
    BAD_NAME = "NK205"
    EMPTY = "NK206"
    ONE_ACTION_PER_ENTRY = "NK207"
    NOT_A_NOUN_NAME = "NK208"
    TOO_SMALL = "NK209"

    CONSTRAINT_TYPE = "NK301"
    NO_VALUE_FITS = "NK302"
    FRACTIONAL_BOUND = "NK303"
    BAD_PATTERN = "NK304"
    BAD_DEFAULT = "NK305"
    BAD_EXAMPLE = "NK306"
    BAD_ENUM_VALUE = "NK307"
    COMPUTED_DEFAULT = "NK308"
    UNIQUE_NOT_SCALAR = "NK309"
    BAD_ID = "NK310"
    BAD_TENANT = "NK311"
    BOUND_TOO_LARGE = "NK312"
    UNCOMPILABLE = "NK313"
    UNKNOWN_TYPE = "NK314"
    NOUN_AS_TYPE = "NK315"
    TYPE_AND_PROPERTIES = "NK316"
    VALUE_CYCLE = "NK317"
    ITEMS_NOT_ARRAY = "NK318"
    BAD_INDEX = "NK319"
    VALUE_TOO_LARGE = "NK320"
    STORED_NOT_COMPUTED = "NK321"

    EXPRESSION_SYNTAX = "NK401"
    UNKNOWN_NAME = "NK402"
    COMPUTED_CYCLE = "NK403"
    NOT_BOOLEAN = "NK404"
    RULE_ON_UNKNOWN = "NK405"
    ACT_ONLY = "NK406"
    STORED_READS_RELATED = "NK407"

    EVENT_NOT_DECLARED = "NK501"
    KIND_DISAGREES = "NK502"
    LIFECYCLE_PROPERTY = "NK503"
    NO_STATES = "NK504"
    UNKNOWN_STATE = "NK505"
    STATE_NOT_IN_ENUM = "NK506"
    INITIAL_IS_FINAL = "NK507"
    LEAVES_FINAL = "NK508"
    UNDECLARED_TRANSITION = "NK509"
    UNREACHED_STATE = "NK510"
    BAD_SET = "NK511"

    UNKNOWN_TARGET = "NK601"
    BACKREF_MISSING = "NK602"
    BACKREF_DISAGREES = "NK603"
    PROPERTY_AND_RELATIONSHIP = "NK604"
    BAD_ON_DELETE = "NK605"

    DUPLICATE_NOUN = "NK701"
    SHARED_NAME = "NK702"
    DUPLICATE_EVENT = "NK703"
    DUPLICATE_ACTION = "NK704"
    DUPLICATE_ENUM_VALUE = "NK705"

    UNKNOWN_TERM = "NK801"
    UNKNOWN_PREFIX = "NK802"
    WRONG_TERM_KIND = "NK803"
    SHARED_IRI = "NK804"
    OUTSIDE_DOMAIN = "NK805"
    SUPERSEDED_TERM = "NK806"

    UNKNOWN_SETTING = "NK901"
    BAD_SETTING = "NK902"
    UNREADABLE_CONFIGURATION = "NK903"
    BAD_HANDLERS = "NK904"


SUMMARIES: Mapping[Code, str] = {
    Code.NO_SUCH_FILE: "a noun path names no file or folder",
    Code.CANNOT_READ: "a noun file cannot be read",
    Code.NOT_UTF8: "a noun file is not UTF-8 text",
    Code.TOO_LARGE: "a noun file is over 1 MiB",
    Code.YAML_SYNTAX: "not valid YAML",
    Code.TAG_NOT_ALLOWED: "a YAML tag (`!!python/...`, `!custom`) that could build objects",
    Code.DUPLICATE_KEY: "a mapping holds a key twice",
    Code.BAD_ALIAS: "an alias with no anchor before it, or inside its own anchor",
    Code.TOO_MANY_VALUES: "more than 100,000 values after aliases (an alias bomb)",
    Code.TOO_DEEP: "nested more than 64 levels",
    Code.MANY_DOCUMENTS: "more than one YAML document in a file",
    Code.UNREADABLE_VALUE: "a value JSON cannot hold (inf, nan, a giant integer, a tag misfit)",
    Code.COMPLEX_KEY: "a mapping key that is a list or a mapping",
    Code.UNKNOWN_KEY: "a key the noun language does not have there",
    Code.MISSING_KEY: "a key that must be given is missing",
    Code.WRONG_TYPE: "a value of the wrong JSON type (a string where a list belongs)",
    Code.NOT_ONE_OF: "a word that is not one of those allowed there (a property type)",
    Code.BAD_NAME: "a name, word or IRI that is not written as one",
    Code.EMPTY: "an empty string or list where there must be something",
    Code.ONE_ACTION_PER_ENTRY: "an entry of an action list names more than one action",
    Code.NOT_A_NOUN_NAME: "a file that is not a mapping of PascalCase noun names",
    Code.TOO_SMALL: "a number below its least value (a negative length)",
    Code.CONSTRAINT_TYPE: "a constraint that does not apply to the property's type",
    Code.NO_VALUE_FITS: "bounds that no value could meet (minimum above maximum)",
    Code.FRACTIONAL_BOUND: "a fractional bound on an integer property",
    Code.BAD_PATTERN: "a pattern that is not a regular expression",
    Code.BAD_DEFAULT: "a default the property itself would refuse",
    Code.BAD_EXAMPLE: "an example the property itself would refuse",
    Code.BAD_ENUM_VALUE: "an enum value the property's type would refuse",
    Code.COMPUTED_DEFAULT: "a computed property with a default",
    Code.UNIQUE_NOT_SCALAR: "unique on an array or json property",
    Code.BAD_ID: "an id that is not a required string or uuid",
    Code.BAD_TENANT: "a tenant that names no string property",
    Code.BOUND_TOO_LARGE: "a bound or length too large for any validator to hold",
    Code.UNCOMPILABLE: "a property the model compiler could not build (a bug: please report it)",
    Code.UNKNOWN_TYPE: "a type that is no language type and no declared value type or enum",
    Code.NOUN_AS_TYPE: "a noun used as a property type (link to it with a relationship)",
    Code.TYPE_AND_PROPERTIES: "a property with both `type` and `properties`",
    Code.VALUE_CYCLE: "value types that hold each other with no optional or array link",
    Code.ITEMS_NOT_ARRAY: "minItems, maxItems or uniqueItems on a property that is not an array",
    Code.BAD_INDEX: "an index on a path that reaches no single scalar value",
    Code.VALUE_TOO_LARGE: "value types nested too deep, or into too many paths",
    Code.STORED_NOT_COMPUTED: "`stored:` where it has no place: not computed, or in a value type",
    Code.EXPRESSION_SYNTAX: "an expression that cannot be parsed",
    Code.UNKNOWN_NAME: "an expression that reads a name the noun does not have",
    Code.COMPUTED_CYCLE: "computed values that depend on each other in a cycle",
    Code.NOT_BOOLEAN: "a rule or condition whose expression is not true or false",
    Code.RULE_ON_UNKNOWN: "a rule's `on:` naming no action or kind of the noun",
    Code.ACT_ONLY: "`input.*`, `actor()` or `tenant()` outside an action's own expressions",
    Code.STORED_READS_RELATED: "a stored computed value that reads related entities",
    Code.EVENT_NOT_DECLARED: "an action emits an event that `events` does not list",
    Code.KIND_DISAGREES: "an action's kind and the lifecycle's transitions disagree",
    Code.LIFECYCLE_PROPERTY: "a lifecycle over a property that is missing or not a string",
    Code.NO_STATES: "a lifecycle with no states",
    Code.UNKNOWN_STATE: "a state the lifecycle does not list",
    Code.STATE_NOT_IN_ENUM: "a state outside the lifecycle property's enum",
    Code.INITIAL_IS_FINAL: "an initial state that is final",
    Code.LEAVES_FINAL: "a transition out of a final state",
    Code.UNDECLARED_TRANSITION: "a transition for an action the noun does not declare",
    Code.UNREACHED_STATE: "a state no transition reaches",
    Code.BAD_SET: "an action's `set:` naming what it cannot write",
    Code.UNKNOWN_TARGET: "a relationship to a noun nobody declares",
    Code.BACKREF_MISSING: "a backref the target does not declare, or declares elsewhere",
    Code.BACKREF_DISAGREES: "two sides of a relationship that name different backrefs",
    Code.PROPERTY_AND_RELATIONSHIP: "a name that is both a property and a relationship",
    Code.BAD_ON_DELETE: "an `onDelete:` the link or its noun cannot carry out",
    Code.DUPLICATE_NOUN: "a noun declared twice",
    Code.SHARED_NAME: "a singular or plural that two nouns share",
    Code.DUPLICATE_EVENT: "an event listed twice",
    Code.DUPLICATE_ACTION: "an action declared twice",
    Code.DUPLICATE_ENUM_VALUE: "an enum value listed twice",
    Code.UNKNOWN_TERM: "a Schema.org term that does not exist",
    Code.UNKNOWN_PREFIX: "a CURIE whose prefix is not known",
    Code.WRONG_TERM_KIND: "a Schema.org class where a property belongs, or the reverse",
    Code.SHARED_IRI: "two terms of one noun with the same IRI",
    Code.OUTSIDE_DOMAIN: "a property outside its class's domain (a warning unless strict)",
    Code.SUPERSEDED_TERM: "a superseded Schema.org term (a warning unless strict)",
    Code.UNKNOWN_SETTING: "a configuration setting nounkit does not have",
    Code.BAD_SETTING: "a configuration setting of the wrong type",
    Code.UNREADABLE_CONFIGURATION: "a configuration file that cannot be read",
    Code.BAD_HANDLERS: "a handlers module that cannot be imported or has no register()",
}
