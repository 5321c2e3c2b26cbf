# Generated from noun.schema.json by scripts/generate_screen.py with fastjsonschema:
# a yes/no check of the language schema. Do not edit; re-run the script.
# mypy: ignore-errors
# ruff: noqa
from decimal import Decimal  # the generated numeric checks name it without importing it
import re
import re
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


REGEX_PATTERNS = {
    '^[A-Z][A-Za-z0-9]*$': re.compile('^[A-Z][A-Za-z0-9]*$'),
    '^x-': re.compile('^x-'),
    '^[a-z][a-z0-9]*(-[a-z0-9]+)*$': re.compile('^[a-z][a-z0-9]*(-[a-z0-9]+)*\\Z'),
    '^[A-Za-z][A-Za-z0-9_]*$': re.compile('^[A-Za-z][A-Za-z0-9_]*\\Z'),
    '^[A-Z][A-Za-z0-9]*(\\[\\])?$': re.compile('^[A-Z][A-Za-z0-9]*(\\[\\])?\\Z'),
    '^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$': re.compile('^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+\\Z')
}

NoneType = type(None)

def validate_urn_nounkit_schema_noun_file(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        for data_key, data_val in data.items():
            if REGEX_PATTERNS['^[A-Z][A-Za-z0-9]*$'].search(data_key):
                if data_key in data_keys:
                    data_keys.remove(data_key)
                validate____defs_noun(data_val, custom_formats, (name_prefix or "data") + ".{data_key}".format(**locals()))
            if REGEX_PATTERNS['^x-'].search(data_key):
                if data_key in data_keys:
                    data_keys.remove(data_key)
                pass
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data

def validate____defs_noun(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "singular" in data_keys:
            data_keys.remove("singular")
            data__singular = data["singular"]
            if not isinstance(data__singular, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".singular must be string")
            if isinstance(data__singular, str):
                if not REGEX_PATTERNS['^[a-z][a-z0-9]*(-[a-z0-9]+)*$'].search(data__singular):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".singular must match pattern ^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
        if "plural" in data_keys:
            data_keys.remove("plural")
            data__plural = data["plural"]
            if not isinstance(data__plural, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".plural must be string")
            if isinstance(data__plural, str):
                if not REGEX_PATTERNS['^[a-z][a-z0-9]*(-[a-z0-9]+)*$'].search(data__plural):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".plural must match pattern ^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
        if "description" in data_keys:
            data_keys.remove("description")
            data__description = data["description"]
            if not isinstance(data__description, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".description must be string")
        if "class" in data_keys:
            data_keys.remove("class")
            data__class = data["class"]
            validate____defs_iri(data__class, custom_formats, (name_prefix or "data") + ".class")
        if "properties" in data_keys:
            data_keys.remove("properties")
            data__properties = data["properties"]
            if not isinstance(data__properties, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".properties must be object")
            data__properties_is_dict = isinstance(data__properties, dict)
            if data__properties_is_dict:
                data__properties_keys = set(data__properties.keys())
                for data__properties_key in data__properties_keys:
                    if data__properties_key not in []:
                        data__properties_value = data__properties.get(data__properties_key)
                        validate____defs_property(data__properties_value, custom_formats, (name_prefix or "data") + ".properties.{data__properties_key}".format(**locals()))
                data__properties_len = len(data__properties)
                if data__properties_len != 0:
                    data__properties_property_names = True
                    for data__properties_key in data__properties:
                        try:
                            if isinstance(data__properties_key, str):
                                if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9_]*$'].search(data__properties_key):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".properties must match pattern ^[A-Za-z][A-Za-z0-9_]*$")
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__properties_property_names = False
                    if not data__properties_property_names:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".properties must be named by propertyName definition")
        if "relationships" in data_keys:
            data_keys.remove("relationships")
            data__relationships = data["relationships"]
            if not isinstance(data__relationships, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".relationships must be object")
            data__relationships_is_dict = isinstance(data__relationships, dict)
            if data__relationships_is_dict:
                data__relationships_keys = set(data__relationships.keys())
                for data__relationships_key in data__relationships_keys:
                    if data__relationships_key not in []:
                        data__relationships_value = data__relationships.get(data__relationships_key)
                        validate____defs_relationship(data__relationships_value, custom_formats, (name_prefix or "data") + ".relationships.{data__relationships_key}".format(**locals()))
                data__relationships_len = len(data__relationships)
                if data__relationships_len != 0:
                    data__relationships_property_names = True
                    for data__relationships_key in data__relationships:
                        try:
                            if isinstance(data__relationships_key, str):
                                if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9_]*$'].search(data__relationships_key):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".relationships must match pattern ^[A-Za-z][A-Za-z0-9_]*$")
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__relationships_property_names = False
                    if not data__relationships_property_names:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".relationships must be named by propertyName definition")
        if "actions" in data_keys:
            data_keys.remove("actions")
            data__actions = data["actions"]
            data__actions_any_of_count1 = 0
            if not data__actions_any_of_count1:
                try:
                    if not isinstance(data__actions, (list, tuple)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions must be array")
                    data__actions_is_list = isinstance(data__actions, (list, tuple))
                    if data__actions_is_list:
                        data__actions_len = len(data__actions)
                        for data__actions_x, data__actions_item in enumerate(data__actions):
                            data__actions_item_any_of_count2 = 0
                            if not data__actions_item_any_of_count2:
                                try:
                                    if not isinstance(data__actions_item, (str)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}]".format(**locals()) + " must be string")
                                    if isinstance(data__actions_item, str):
                                        if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9_]*$'].search(data__actions_item):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}]".format(**locals()) + " must match pattern ^[A-Za-z][A-Za-z0-9_]*$")
                                    data__actions_item_any_of_count2 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if not data__actions_item_any_of_count2:
                                try:
                                    if not isinstance(data__actions_item, (dict)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}]".format(**locals()) + " must be object")
                                    data__actions_item_is_dict = isinstance(data__actions_item, dict)
                                    if data__actions_item_is_dict:
                                        data__actions_item_len = len(data__actions_item)
                                        if data__actions_item_len < 1:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}]".format(**locals()) + " must contain at least 1 properties")
                                        if data__actions_item_len > 1:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}]".format(**locals()) + " must contain less than or equal to 1 properties")
                                        data__actions_item_keys = set(data__actions_item.keys())
                                        for data__actions_item_key in data__actions_item_keys:
                                            if data__actions_item_key not in []:
                                                data__actions_item_value = data__actions_item.get(data__actions_item_key)
                                                validate____defs_actionoptions(data__actions_item_value, custom_formats, (name_prefix or "data") + ".actions[{data__actions_x}].{data__actions_item_key}".format(**locals()))
                                        if data__actions_item_len != 0:
                                            data__actions_item_property_names = True
                                            for data__actions_item_key in data__actions_item:
                                                try:
                                                    if isinstance(data__actions_item_key, str):
                                                        if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9_]*$'].search(data__actions_item_key):
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}]".format(**locals()) + " must match pattern ^[A-Za-z][A-Za-z0-9_]*$")
                                                except (JsonSchemaValueException, JsonSchemaValuesException):
                                                    data__actions_item_property_names = False
                                            if not data__actions_item_property_names:
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}]".format(**locals()) + " must be named by propertyName definition")
                                    data__actions_item_any_of_count2 += 1
                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                            if not data__actions_item_any_of_count2:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions[{data__actions_x}]".format(**locals()) + " cannot be validated by any definition")
                    data__actions_any_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__actions_any_of_count1:
                try:
                    if not isinstance(data__actions, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions must be object")
                    data__actions_is_dict = isinstance(data__actions, dict)
                    if data__actions_is_dict:
                        data__actions_keys = set(data__actions.keys())
                        for data__actions_key in data__actions_keys:
                            if data__actions_key not in []:
                                data__actions_value = data__actions.get(data__actions_key)
                                validate____defs_actionoptions(data__actions_value, custom_formats, (name_prefix or "data") + ".actions.{data__actions_key}".format(**locals()))
                        data__actions_len = len(data__actions)
                        if data__actions_len != 0:
                            data__actions_property_names = True
                            for data__actions_key in data__actions:
                                try:
                                    if isinstance(data__actions_key, str):
                                        if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9_]*$'].search(data__actions_key):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions must match pattern ^[A-Za-z][A-Za-z0-9_]*$")
                                except (JsonSchemaValueException, JsonSchemaValuesException):
                                    data__actions_property_names = False
                            if not data__actions_property_names:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions must be named by propertyName definition")
                    data__actions_any_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__actions_any_of_count1:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".actions cannot be validated by any definition")
        if "events" in data_keys:
            data_keys.remove("events")
            data__events = data["events"]
            if not isinstance(data__events, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".events must be array")
            data__events_is_list = isinstance(data__events, (list, tuple))
            if data__events_is_list:
                data__events_len = len(data__events)
                for data__events_x, data__events_item in enumerate(data__events):
                    if not isinstance(data__events_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".events[{data__events_x}]".format(**locals()) + " must be string")
                    if isinstance(data__events_item, str):
                        if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9_]*$'].search(data__events_item):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".events[{data__events_x}]".format(**locals()) + " must match pattern ^[A-Za-z][A-Za-z0-9_]*$")
        if "lifecycle" in data_keys:
            data_keys.remove("lifecycle")
            data__lifecycle = data["lifecycle"]
            validate____defs_lifecycle(data__lifecycle, custom_formats, (name_prefix or "data") + ".lifecycle")
        if "rules" in data_keys:
            data_keys.remove("rules")
            data__rules = data["rules"]
            if not isinstance(data__rules, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".rules must be array")
            data__rules_is_list = isinstance(data__rules, (list, tuple))
            if data__rules_is_list:
                data__rules_len = len(data__rules)
                for data__rules_x, data__rules_item in enumerate(data__rules):
                    if not isinstance(data__rules_item, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".rules[{data__rules_x}]".format(**locals()) + " must be object")
                    data__rules_item_is_dict = isinstance(data__rules_item, dict)
                    if data__rules_item_is_dict:
                        data__rules_item__missing_keys = set(['check']) - data__rules_item.keys()
                        if data__rules_item__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".rules[{data__rules_x}]".format(**locals()) + " must contain ")
                        data__rules_item_keys = set(data__rules_item.keys())
                        if "check" in data__rules_item_keys:
                            data__rules_item_keys.remove("check")
                            data__rules_item__check = data__rules_item["check"]
                            if not isinstance(data__rules_item__check, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".rules[{data__rules_x}].check".format(**locals()) + " must be string")
                        if "message" in data__rules_item_keys:
                            data__rules_item_keys.remove("message")
                            data__rules_item__message = data__rules_item["message"]
                            if not isinstance(data__rules_item__message, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".rules[{data__rules_x}].message".format(**locals()) + " must be string")
                        if data__rules_item_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".rules[{data__rules_x}]".format(**locals()) + " must not contain "+str(data__rules_item_keys)+" properties")
        if "tenant" in data_keys:
            data_keys.remove("tenant")
            data__tenant = data["tenant"]
            if not isinstance(data__tenant, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".tenant must be string")
            if isinstance(data__tenant, str):
                if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9_]*$'].search(data__tenant):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".tenant must match pattern ^[A-Za-z][A-Za-z0-9_]*$")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data

def validate____defs_lifecycle(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['transitions']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "property" in data_keys:
            data_keys.remove("property")
            data__property = data["property"]
            if not isinstance(data__property, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".property must be string")
            if isinstance(data__property, str):
                if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9_]*$'].search(data__property):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".property must match pattern ^[A-Za-z][A-Za-z0-9_]*$")
        if "states" in data_keys:
            data_keys.remove("states")
            data__states = data["states"]
            if not isinstance(data__states, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".states must be array")
            data__states_is_list = isinstance(data__states, (list, tuple))
            if data__states_is_list:
                data__states_len = len(data__states)
                if data__states_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".states must contain at least 1 items")
                for data__states_x, data__states_item in enumerate(data__states):
                    if not isinstance(data__states_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".states[{data__states_x}]".format(**locals()) + " must be string")
                    if isinstance(data__states_item, str):
                        data__states_item_len = len(data__states_item)
                        if data__states_item_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".states[{data__states_x}]".format(**locals()) + " must be longer than or equal to 1 characters")
        if "initial" in data_keys:
            data_keys.remove("initial")
            data__initial = data["initial"]
            if not isinstance(data__initial, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".initial must be string")
        if "final" in data_keys:
            data_keys.remove("final")
            data__final = data["final"]
            data__final_any_of_count3 = 0
            if not data__final_any_of_count3:
                try:
                    if not isinstance(data__final, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".final must be string")
                    data__final_any_of_count3 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__final_any_of_count3:
                try:
                    if not isinstance(data__final, (list, tuple)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".final must be array")
                    data__final_is_list = isinstance(data__final, (list, tuple))
                    if data__final_is_list:
                        data__final_len = len(data__final)
                        for data__final_x, data__final_item in enumerate(data__final):
                            if not isinstance(data__final_item, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".final[{data__final_x}]".format(**locals()) + " must be string")
                    data__final_any_of_count3 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__final_any_of_count3:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".final cannot be validated by any definition")
        if "transitions" in data_keys:
            data_keys.remove("transitions")
            data__transitions = data["transitions"]
            if not isinstance(data__transitions, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions must be object")
            data__transitions_is_dict = isinstance(data__transitions, dict)
            if data__transitions_is_dict:
                data__transitions_keys = set(data__transitions.keys())
                for data__transitions_key in data__transitions_keys:
                    if data__transitions_key not in []:
                        data__transitions_value = data__transitions.get(data__transitions_key)
                        if not isinstance(data__transitions_value, (dict)):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}".format(**locals()) + " must be object")
                        data__transitions_value_is_dict = isinstance(data__transitions_value, dict)
                        if data__transitions_value_is_dict:
                            data__transitions_value__missing_keys = set(['from', 'to']) - data__transitions_value.keys()
                            if data__transitions_value__missing_keys:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}".format(**locals()) + " must contain ")
                            data__transitions_value_keys = set(data__transitions_value.keys())
                            if "from" in data__transitions_value_keys:
                                data__transitions_value_keys.remove("from")
                                data__transitions_value__from = data__transitions_value["from"]
                                data__transitions_value__from_any_of_count4 = 0
                                if not data__transitions_value__from_any_of_count4:
                                    try:
                                        if not isinstance(data__transitions_value__from, (str)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}.from".format(**locals()) + " must be string")
                                        data__transitions_value__from_any_of_count4 += 1
                                    except (JsonSchemaValueException, JsonSchemaValuesException): pass
                                if not data__transitions_value__from_any_of_count4:
                                    try:
                                        if not isinstance(data__transitions_value__from, (list, tuple)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}.from".format(**locals()) + " must be array")
                                        data__transitions_value__from_is_list = isinstance(data__transitions_value__from, (list, tuple))
                                        if data__transitions_value__from_is_list:
                                            data__transitions_value__from_len = len(data__transitions_value__from)
                                            if data__transitions_value__from_len < 1:
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}.from".format(**locals()) + " must contain at least 1 items")
                                            for data__transitions_value__from_x, data__transitions_value__from_item in enumerate(data__transitions_value__from):
                                                if not isinstance(data__transitions_value__from_item, (str)):
                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}.from[{data__transitions_value__from_x}]".format(**locals()) + " must be string")
                                        data__transitions_value__from_any_of_count4 += 1
                                    except (JsonSchemaValueException, JsonSchemaValuesException): pass
                                if not data__transitions_value__from_any_of_count4:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}.from".format(**locals()) + " cannot be validated by any definition")
                            if "to" in data__transitions_value_keys:
                                data__transitions_value_keys.remove("to")
                                data__transitions_value__to = data__transitions_value["to"]
                                data__transitions_value__to_any_of_count5 = 0
                                if not data__transitions_value__to_any_of_count5:
                                    try:
                                        if not isinstance(data__transitions_value__to, (str)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}.to".format(**locals()) + " must be string")
                                        data__transitions_value__to_any_of_count5 += 1
                                    except (JsonSchemaValueException, JsonSchemaValuesException): pass
                                if not data__transitions_value__to_any_of_count5:
                                    try:
                                        if not isinstance(data__transitions_value__to, (list, tuple)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}.to".format(**locals()) + " must be array")
                                        data__transitions_value__to_is_list = isinstance(data__transitions_value__to, (list, tuple))
                                        if data__transitions_value__to_is_list:
                                            data__transitions_value__to_len = len(data__transitions_value__to)
                                            if data__transitions_value__to_len < 1:
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}.to".format(**locals()) + " must contain at least 1 items")
                                            for data__transitions_value__to_x, data__transitions_value__to_item in enumerate(data__transitions_value__to):
                                                if not isinstance(data__transitions_value__to_item, (str)):
                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}.to[{data__transitions_value__to_x}]".format(**locals()) + " must be string")
                                        data__transitions_value__to_any_of_count5 += 1
                                    except (JsonSchemaValueException, JsonSchemaValuesException): pass
                                if not data__transitions_value__to_any_of_count5:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}.to".format(**locals()) + " cannot be validated by any definition")
                            if data__transitions_value_keys:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions.{data__transitions_key}".format(**locals()) + " must not contain "+str(data__transitions_value_keys)+" properties")
                data__transitions_len = len(data__transitions)
                if data__transitions_len != 0:
                    data__transitions_property_names = True
                    for data__transitions_key in data__transitions:
                        try:
                            if isinstance(data__transitions_key, str):
                                if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9_]*$'].search(data__transitions_key):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions must match pattern ^[A-Za-z][A-Za-z0-9_]*$")
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__transitions_property_names = False
                    if not data__transitions_property_names:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".transitions must be named by propertyName definition")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data

def validate____defs_actionoptions(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object or null")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "kind" in data_keys:
            data_keys.remove("kind")
            data__kind = data["kind"]
            if not (isinstance(data__kind, str) and data__kind == 'create' or isinstance(data__kind, str) and data__kind == 'update' or isinstance(data__kind, str) and data__kind == 'delete' or isinstance(data__kind, str) and data__kind == 'transition' or isinstance(data__kind, str) and data__kind == 'custom'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".kind must be one of ['create', 'update', 'delete', 'transition', 'custom']")
        if "emits" in data_keys:
            data_keys.remove("emits")
            data__emits = data["emits"]
            if not isinstance(data__emits, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".emits must be string")
            if isinstance(data__emits, str):
                if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9_]*$'].search(data__emits):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".emits must match pattern ^[A-Za-z][A-Za-z0-9_]*$")
        if "input" in data_keys:
            data_keys.remove("input")
            data__input = data["input"]
            if not isinstance(data__input, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".input must be object")
            data__input_is_dict = isinstance(data__input, dict)
            if data__input_is_dict:
                data__input_keys = set(data__input.keys())
                for data__input_key in data__input_keys:
                    if data__input_key not in []:
                        data__input_value = data__input.get(data__input_key)
                        validate____defs_property(data__input_value, custom_formats, (name_prefix or "data") + ".input.{data__input_key}".format(**locals()))
                data__input_len = len(data__input)
                if data__input_len != 0:
                    data__input_property_names = True
                    for data__input_key in data__input:
                        try:
                            if isinstance(data__input_key, str):
                                if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9_]*$'].search(data__input_key):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".input must match pattern ^[A-Za-z][A-Za-z0-9_]*$")
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__input_property_names = False
                    if not data__input_property_names:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".input must be named by propertyName definition")
        if "roles" in data_keys:
            data_keys.remove("roles")
            data__roles = data["roles"]
            if not isinstance(data__roles, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".roles must be array")
            data__roles_is_list = isinstance(data__roles, (list, tuple))
            if data__roles_is_list:
                data__roles_len = len(data__roles)
                for data__roles_x, data__roles_item in enumerate(data__roles):
                    if not isinstance(data__roles_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".roles[{data__roles_x}]".format(**locals()) + " must be string")
                    if isinstance(data__roles_item, str):
                        data__roles_item_len = len(data__roles_item)
                        if data__roles_item_len < 1:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".roles[{data__roles_x}]".format(**locals()) + " must be longer than or equal to 1 characters")
        if "description" in data_keys:
            data_keys.remove("description")
            data__description = data["description"]
            if not isinstance(data__description, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".description must be string")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data

def validate____defs_relationship(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['type']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "type" in data_keys:
            data_keys.remove("type")
            data__type = data["type"]
            if not isinstance(data__type, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".type must be string")
            if isinstance(data__type, str):
                if not REGEX_PATTERNS['^[A-Z][A-Za-z0-9]*(\\[\\])?$'].search(data__type):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".type must match pattern ^[A-Z][A-Za-z0-9]*(\\[\\])?$")
        if "description" in data_keys:
            data_keys.remove("description")
            data__description = data["description"]
            if not isinstance(data__description, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".description must be string")
        if "required" in data_keys:
            data_keys.remove("required")
            data__required = data["required"]
            if not isinstance(data__required, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".required must be boolean")
        if "backref" in data_keys:
            data_keys.remove("backref")
            data__backref = data["backref"]
            if not isinstance(data__backref, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".backref must be string")
            if isinstance(data__backref, str):
                if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9_]*$'].search(data__backref):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".backref must match pattern ^[A-Za-z][A-Za-z0-9_]*$")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data

def validate____defs_property(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['type']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "type" in data_keys:
            data_keys.remove("type")
            data__type = data["type"]
            if not (isinstance(data__type, str) and data__type == 'string' or isinstance(data__type, str) and data__type == 'text' or isinstance(data__type, str) and data__type == 'markdown' or isinstance(data__type, str) and data__type == 'number' or isinstance(data__type, str) and data__type == 'integer' or isinstance(data__type, str) and data__type == 'boolean' or isinstance(data__type, str) and data__type == 'date' or isinstance(data__type, str) and data__type == 'datetime' or isinstance(data__type, str) and data__type == 'timestamp' or isinstance(data__type, str) and data__type == 'json' or isinstance(data__type, str) and data__type == 'url' or isinstance(data__type, str) and data__type == 'email' or isinstance(data__type, str) and data__type == 'uuid'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".type must be one of ['string', 'text', 'markdown', 'number', 'integer', 'boolean', 'date', 'datetime', 'timestamp', 'json', 'url', 'email', 'uuid']")
        if "description" in data_keys:
            data_keys.remove("description")
            data__description = data["description"]
            if not isinstance(data__description, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".description must be string")
        if "optional" in data_keys:
            data_keys.remove("optional")
            data__optional = data["optional"]
            if not isinstance(data__optional, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".optional must be boolean")
        if "array" in data_keys:
            data_keys.remove("array")
            data__array = data["array"]
            if not isinstance(data__array, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".array must be boolean")
        if "default" in data_keys:
            data_keys.remove("default")
            data__default = data["default"]
        if "examples" in data_keys:
            data_keys.remove("examples")
            data__examples = data["examples"]
            if not isinstance(data__examples, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".examples must be array")
        if "enum" in data_keys:
            data_keys.remove("enum")
            data__enum = data["enum"]
            if not isinstance(data__enum, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".enum must be array")
            data__enum_is_list = isinstance(data__enum, (list, tuple))
            if data__enum_is_list:
                data__enum_len = len(data__enum)
                if data__enum_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".enum must contain at least 1 items")
        if "minimum" in data_keys:
            data_keys.remove("minimum")
            data__minimum = data["minimum"]
            if not isinstance(data__minimum, (int, float, Decimal)) or isinstance(data__minimum, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".minimum must be number")
        if "maximum" in data_keys:
            data_keys.remove("maximum")
            data__maximum = data["maximum"]
            if not isinstance(data__maximum, (int, float, Decimal)) or isinstance(data__maximum, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".maximum must be number")
        if "exclusiveMinimum" in data_keys:
            data_keys.remove("exclusiveMinimum")
            data__exclusiveMinimum = data["exclusiveMinimum"]
            if not isinstance(data__exclusiveMinimum, (int, float, Decimal)) or isinstance(data__exclusiveMinimum, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".exclusiveMinimum must be number")
        if "exclusiveMaximum" in data_keys:
            data_keys.remove("exclusiveMaximum")
            data__exclusiveMaximum = data["exclusiveMaximum"]
            if not isinstance(data__exclusiveMaximum, (int, float, Decimal)) or isinstance(data__exclusiveMaximum, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".exclusiveMaximum must be number")
        if "minLength" in data_keys:
            data_keys.remove("minLength")
            data__minLength = data["minLength"]
            if not isinstance(data__minLength, (int)) and not (isinstance(data__minLength, float) and data__minLength.is_integer()) or isinstance(data__minLength, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".minLength must be integer")
            if isinstance(data__minLength, (int, float, Decimal)) and not isinstance(data__minLength, bool):
                if data__minLength < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".minLength must be bigger than or equal to 0")
        if "maxLength" in data_keys:
            data_keys.remove("maxLength")
            data__maxLength = data["maxLength"]
            if not isinstance(data__maxLength, (int)) and not (isinstance(data__maxLength, float) and data__maxLength.is_integer()) or isinstance(data__maxLength, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".maxLength must be integer")
            if isinstance(data__maxLength, (int, float, Decimal)) and not isinstance(data__maxLength, bool):
                if data__maxLength < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".maxLength must be bigger than or equal to 0")
        if "pattern" in data_keys:
            data_keys.remove("pattern")
            data__pattern = data["pattern"]
            if not isinstance(data__pattern, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".pattern must be string")
            if isinstance(data__pattern, str):
                try:
                    re.compile(data__pattern)
                except Exception:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".pattern must be a valid regex")
        if "unique" in data_keys:
            data_keys.remove("unique")
            data__unique = data["unique"]
            if not isinstance(data__unique, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".unique must be boolean")
        if "index" in data_keys:
            data_keys.remove("index")
            data__index = data["index"]
            if not isinstance(data__index, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".index must be boolean")
        if "iri" in data_keys:
            data_keys.remove("iri")
            data__iri = data["iri"]
            validate____defs_iri(data__iri, custom_formats, (name_prefix or "data") + ".iri")
        if "computed" in data_keys:
            data_keys.remove("computed")
            data__computed = data["computed"]
            if not isinstance(data__computed, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".computed must be string")
        if "deprecated" in data_keys:
            data_keys.remove("deprecated")
            data__deprecated = data["deprecated"]
            if not isinstance(data__deprecated, (bool, str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".deprecated must be boolean or string")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data

def validate____defs_iri(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if isinstance(data, str):
        if not REGEX_PATTERNS['^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$'].search(data):
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must match pattern ^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$")
    return data


validate = validate_urn_nounkit_schema_noun_file
