//! A small JSON Schema (draft 2020-12) validator for the keywords the backup schema uses.
//!
//! The `jsonschema` crate pulls in a large dependency tree (and an HTTP stack for remote
//! references by default), too much for checking one hand-written schema. This covers
//! `type`, `const`, `enum`, `required`, `properties`, `additionalProperties`, `items`,
//! `minItems`, `maxItems`, `minLength`, `maxLength`, `pattern`, `minimum`, `maximum` and local
//! `$ref`s into `$defs`; any other keyword makes it panic, so the schema cannot quietly rely
//! on something that is not checked here.

use std::collections::HashMap;

use regex::Regex;
use serde_json::Value;

/// Validates documents against one schema.
pub struct Validator<'s> {
    root: &'s Value,
    patterns: HashMap<String, Regex>,
}

impl<'s> Validator<'s> {
    /// Checks that `schema` uses only supported keywords and compiles its patterns.
    pub fn new(schema: &'s Value) -> Self {
        let mut validator = Self { root: schema, patterns: HashMap::new() };
        validator.prepare(schema);
        validator
    }

    fn prepare(&mut self, schema: &Value) {
        let Some(object) = schema.as_object() else {
            assert!(schema.is_boolean(), "a schema must be an object or a boolean: {schema}");
            return;
        };
        for (keyword, value) in object {
            match keyword.as_str() {
                "$schema" | "$id" | "title" | "description" | "$comment" | "type" | "const" | "enum" | "required"
                | "minItems" | "maxItems" | "minLength" | "maxLength" | "minimum" | "maximum" | "$ref" => {}
                "pattern" => {
                    let pattern = value.as_str().expect("pattern is a string");
                    let regex = Regex::new(pattern).unwrap_or_else(|err| panic!("bad pattern {pattern}: {err}"));
                    self.patterns.insert(pattern.to_owned(), regex);
                }
                "properties" | "$defs" => {
                    for sub in value.as_object().expect("an object of schemas").values() {
                        self.prepare(sub);
                    }
                }
                "additionalProperties" | "items" => self.prepare(value),
                other => panic!("the test validator does not support the keyword {other:?}"),
            }
        }
    }

    /// Every way `instance` breaks the schema, each with a JSON Pointer to the place.
    pub fn errors(&self, instance: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(self.root, instance, "", &mut errors);
        errors
    }

    fn check(&self, schema: &Value, instance: &Value, at: &str, errors: &mut Vec<String>) {
        let Some(object) = schema.as_object() else {
            if schema == &Value::Bool(false) {
                errors.push(format!("{at}: no value is allowed here"));
            }
            return;
        };
        for (keyword, value) in object {
            match keyword.as_str() {
                "$ref" => {
                    let target = self.resolve(value.as_str().expect("$ref is a string"));
                    self.check(target, instance, at, errors);
                }
                "type" => {
                    let allowed: Vec<&str> = match value {
                        Value::String(name) => vec![name.as_str()],
                        Value::Array(names) => names.iter().map(|n| n.as_str().expect("type names")).collect(),
                        _ => panic!("bad type keyword {value}"),
                    };
                    if !allowed.iter().any(|name| has_type(instance, name)) {
                        errors.push(format!("{at}: expected {allowed:?}, found {instance}"));
                    }
                }
                "const" if instance != value => errors.push(format!("{at}: expected {value}, found {instance}")),
                "enum" if !value.as_array().expect("enum is an array").contains(instance) => {
                    errors.push(format!("{at}: {instance} is not one of {value}"));
                }
                "required" => {
                    if let Some(members) = instance.as_object() {
                        for name in value.as_array().expect("required is an array") {
                            let name = name.as_str().expect("required names");
                            if !members.contains_key(name) {
                                errors.push(format!("{at}: the member {name:?} is missing"));
                            }
                        }
                    }
                }
                "properties" => {
                    if let Some(members) = instance.as_object() {
                        for (name, sub) in value.as_object().expect("properties is an object") {
                            if let Some(member) = members.get(name) {
                                self.check(sub, member, &format!("{at}/{name}"), errors);
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Some(members) = instance.as_object() {
                        let known = object.get("properties").and_then(Value::as_object);
                        for (name, member) in members {
                            if !known.is_some_and(|known| known.contains_key(name)) {
                                self.check(value, member, &format!("{at}/{name}"), errors);
                            }
                        }
                    }
                }
                "items" => {
                    if let Some(elements) = instance.as_array() {
                        for (index, element) in elements.iter().enumerate() {
                            self.check(value, element, &format!("{at}/{index}"), errors);
                        }
                    }
                }
                "minItems" | "maxItems" => {
                    if let Some(elements) = instance.as_array() {
                        let limit = value.as_u64().expect("a count") as usize;
                        let broken =
                            if keyword == "minItems" { elements.len() < limit } else { elements.len() > limit };
                        if broken {
                            errors.push(format!("{at}: {} items breaks {keyword} {limit}", elements.len()));
                        }
                    }
                }
                "minLength" | "maxLength" => {
                    if let Some(text) = instance.as_str() {
                        let limit = value.as_u64().expect("a length") as usize;
                        let length = text.chars().count();
                        let broken = if keyword == "minLength" { length < limit } else { length > limit };
                        if broken {
                            errors.push(format!("{at}: length {length} breaks {keyword} {limit}"));
                        }
                    }
                }
                "pattern" => {
                    if let Some(text) = instance.as_str() {
                        let pattern = value.as_str().expect("pattern is a string");
                        if !self.patterns[pattern].is_match(text) {
                            errors.push(format!("{at}: {text:?} does not match {pattern}"));
                        }
                    }
                }
                "minimum" | "maximum" => {
                    if let (Some(number), Some(limit)) = (instance.as_f64(), value.as_f64()) {
                        let broken = if keyword == "minimum" { number < limit } else { number > limit };
                        if broken {
                            errors.push(format!("{at}: {number} breaks {keyword} {limit}"));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn resolve(&self, reference: &str) -> &'s Value {
        let name = reference.strip_prefix("#/$defs/").unwrap_or_else(|| panic!("only local $defs refs: {reference}"));
        self.root["$defs"].get(name).unwrap_or_else(|| panic!("no $defs entry {name}"))
    }
}

fn has_type(instance: &Value, name: &str) -> bool {
    match name {
        "object" => instance.is_object(),
        "array" => instance.is_array(),
        "string" => instance.is_string(),
        "boolean" => instance.is_boolean(),
        "null" => instance.is_null(),
        "number" => instance.is_number(),
        "integer" => instance.is_i64() || instance.is_u64() || instance.as_f64().is_some_and(|n| n.fract() == 0.0),
        other => panic!("unknown type {other}"),
    }
}
