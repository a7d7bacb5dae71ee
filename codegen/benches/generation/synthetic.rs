//! A synthetic but realistic OpenAPI 3.1 document, built deterministically.
//!
//! The document has [`SCHEMAS`] component schemas and [`RESOURCES`] × 10 operations
//! over [`RESOURCES`] × 3 paths. The mix follows what large real-world documents
//! contain: objects with 5–15 properties (required, optional, nullable through
//! `type: [x, "null"]`), string enums, integer and string formats, arrays of
//! references, maps, `allOf` of two references, `oneOf` with a discriminator and a
//! mapping, inline nested objects, descriptions; operations with path, query and
//! header parameters, JSON bodies (references and inline) and several responses.
//!
//! All variation comes from a fixed-seed [`SplitMix64`], so the document is the same
//! byte for byte on every run.

use serde_json::{Map, Value, json};

/// The number of component schemas, shared ones included.
pub const SCHEMAS: usize = 1000;
/// The number of REST resources; each has 3 paths and 10 operations.
pub const RESOURCES: usize = 100;

/// The seed of the generator: changing it changes the document.
const SEED: u64 = 0x0A91_2024_5EED_0001;

/// Business domains; with [`NOUNS`] they name the component schemas.
const DOMAINS: [&str; 40] = [
    "Account",
    "Billing",
    "Catalog",
    "Customer",
    "Delivery",
    "Device",
    "Document",
    "Event",
    "Fleet",
    "Inventory",
    "Invoice",
    "Ledger",
    "Media",
    "Message",
    "Network",
    "Order",
    "Partner",
    "Payment",
    "Policy",
    "Portfolio",
    "Pricing",
    "Product",
    "Project",
    "Quota",
    "Report",
    "Reservation",
    "Route",
    "Schedule",
    "Search",
    "Session",
    "Shipment",
    "Storage",
    "Subscription",
    "Support",
    "Task",
    "Tenant",
    "Ticket",
    "Usage",
    "Vendor",
    "Workflow",
];

/// Second halves of schema names.
const NOUNS: [&str; 25] = [
    "Summary", "Detail", "Settings", "Status", "Record", "Entry", "Item", "Line", "Filter", "Rule",
    "Limit", "Target", "Source", "Config", "Profile", "Snapshot", "Metric", "Window", "Request",
    "Result", "Option", "Change", "Link", "Note", "Group",
];

/// Property names of ordinary objects (camelCase mostly, a few snake_case, one
/// kebab-case and a few Rust keywords, as in real documents).
const PROPERTIES: [&str; 72] = [
    "name",
    "title",
    "description",
    "displayName",
    "email",
    "phone",
    "status",
    "state",
    "type",
    "label",
    "code",
    "reference",
    "externalId",
    "amount",
    "currency",
    "quantity",
    "price",
    "total",
    "count",
    "score",
    "rank",
    "priority",
    "weight",
    "ratio",
    "enabled",
    "active",
    "archived",
    "visible",
    "startAt",
    "endAt",
    "dueDate",
    "expiresAt",
    "lastSeenAt",
    "parentId",
    "tenantId",
    "region",
    "zone",
    "locale",
    "timezone",
    "url",
    "homepage",
    "tags",
    "labels",
    "metadata",
    "notes",
    "comment",
    "attributes",
    "limits",
    "settings",
    "children",
    "items",
    "entries",
    "links",
    "address",
    "contact",
    "location",
    "duration",
    "retries",
    "timeoutMs",
    "size",
    "sizeBytes",
    "checksum",
    "first_name",
    "last_name",
    "is_default",
    "sort_order",
    "content-type",
    "ref",
    "match",
    "async",
    "self",
    "summary",
];

/// Words enum values are made of.
const ENUM_WORDS: [&str; 24] = [
    "pending",
    "active",
    "inactive",
    "suspended",
    "deleted",
    "draft",
    "published",
    "archived",
    "open",
    "closed",
    "in_progress",
    "failed",
    "succeeded",
    "queued",
    "running",
    "cancelled",
    "low",
    "medium",
    "high",
    "critical",
    "daily",
    "weekly",
    "monthly",
    "yearly",
];

/// A field of a mix-in: name, JSON type and format.
type Field = (&'static str, &'static str, Option<&'static str>);

/// The shared mix-in objects that `allOf` schemas combine with a domain object.
/// Their property names never occur in [`PROPERTIES`], so the merges do not clash.
const MIXINS: [(&str, &[Field]); 3] = [
    (
        "AuditFields",
        &[
            ("createdAt", "string", Some("date-time")),
            ("updatedAt", "string", Some("date-time")),
            ("createdBy", "string", None),
        ],
    ),
    (
        "Resource",
        &[
            ("id", "string", Some("uuid")),
            ("etag", "string", None),
            ("revision", "integer", Some("int64")),
        ],
    ),
    (
        "Owned",
        &[
            ("ownerId", "string", Some("uuid")),
            ("ownerKind", "string", None),
        ],
    ),
];

/// Schemas every document has besides the domain ones.
const SHARED: [&str; 6] = [
    "Error",
    "ValidationError",
    "ValidationIssue",
    "AuditFields",
    "Resource",
    "Owned",
];

/// A small, fast, fixed-seed pseudo-random generator (SplitMix64).
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// `true` with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One element of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a component schema slot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An ordinary object.
    Object,
    /// An object that is a variant of the tagged union before it.
    Variant,
    /// A string enum.
    Enum,
    /// `allOf` of a mix-in and an ordinary object.
    AllOf,
    /// `additionalProperties` only.
    Map,
    /// `oneOf` over the following `n` slots, with a discriminator and mapping.
    Union(usize),
}

impl Kind {
    /// Whether the schema is a JSON object with named properties (a resource model).
    fn is_model(self) -> bool {
        matches!(self, Kind::Object | Kind::AllOf)
    }
}

/// The document under construction.
struct Builder {
    rng: SplitMix64,
    /// The schema name of each slot.
    names: Vec<String>,
    /// What each slot holds.
    kinds: Vec<Kind>,
    /// The slots properties may reference (not union variants), ascending.
    referable: Vec<usize>,
}

/// Builds the whole document.
pub fn document() -> Value {
    let mut builder = Builder::new();
    let schemas = builder.schemas();
    let paths = builder.paths();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Synthetic Platform API",
            "version": "2024.06.1",
            "description": "A large synthetic API used to benchmark oapi-gen.\n\n\
                It mixes every construct real documents use most."
        },
        "servers": [{ "url": "https://api.example.com", "description": "Production" }],
        "tags": DOMAINS.iter().map(|d| json!({ "name": d.to_lowercase() })).collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": shared_parameters(),
            "responses": shared_responses(),
        }
    })
}

impl Builder {
    fn new() -> Self {
        let mut rng = SplitMix64::new(SEED);
        let mut names: Vec<String> = SHARED.iter().map(|s| s.to_string()).collect();
        for domain in DOMAINS {
            for noun in NOUNS {
                names.push(format!("{domain}{noun}"));
            }
        }
        names.truncate(SCHEMAS);
        let kinds = plan_kinds(&mut rng, names.len());
        let referable = (SHARED.len()..names.len())
            .filter(|&s| !matches!(kinds[s], Kind::Variant))
            .collect();
        Builder {
            rng,
            names,
            kinds,
            referable,
        }
    }

    /// `#/components/schemas/<name of slot>`.
    fn reference(&self, slot: usize) -> Value {
        json!({ "$ref": format!("#/components/schemas/{}", self.names[slot]) })
    }

    /// Every component schema, in slot order.
    fn schemas(&mut self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("Error".into(), error_schema());
        out.insert("ValidationError".into(), validation_error_schema());
        out.insert("ValidationIssue".into(), validation_issue_schema());
        for (name, fields) in MIXINS {
            out.insert(name.into(), mixin_schema(name, fields));
        }
        for slot in SHARED.len()..self.names.len() {
            let schema = match self.kinds[slot] {
                Kind::Object => self.object(slot, false),
                Kind::Variant => self.object(slot, true),
                Kind::Enum => self.string_enum(slot),
                Kind::AllOf => self.all_of(slot),
                Kind::Map => self.map(slot),
                Kind::Union(n) => self.union(slot, n),
            };
            out.insert(self.names[slot].clone(), schema);
        }
        out
    }

    /// An earlier slot that a property may reference (never a union variant, so
    /// variants are only reached through their union).
    fn earlier(&mut self, slot: usize) -> Option<usize> {
        let count = self.referable.partition_point(|&s| s < slot);
        (count > 0).then(|| self.referable[self.rng.below(count)])
    }

    /// An object of 5–15 properties; a union variant also pins the tag `kind`.
    fn object(&mut self, slot: usize, variant: bool) -> Value {
        let count = self.rng.between(5, 15);
        let mut properties = Map::new();
        let mut required = Vec::new();
        if variant {
            let tag = tag_of(&self.names[slot]);
            let pin = if self.rng.chance(50) {
                json!({ "type": "string", "enum": [tag] })
            } else {
                json!({ "const": tag })
            };
            properties.insert("kind".into(), pin);
            required.push(Value::from("kind"));
        }
        while properties.len() < count {
            let name = *self.rng.pick(&PROPERTIES);
            if properties.contains_key(name) {
                continue;
            }
            let (schema, nullable) = self.property(slot, 0);
            if !nullable && self.rng.chance(45) {
                required.push(Value::from(name));
            }
            properties.insert(name.into(), schema);
        }
        self.recursion(slot, &mut properties);
        let mut schema = json!({
            "type": "object",
            "description": self.describe(slot),
            "properties": properties,
        });
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        schema
    }

    /// Rarely, a self-reference: a list of children, or a boxed optional parent.
    fn recursion(&mut self, slot: usize, properties: &mut Map<String, Value>) {
        if self.rng.chance(3) {
            properties.insert(
                "subItems".into(),
                json!({ "type": "array", "items": self.reference(slot) }),
            );
        }
        if self.rng.chance(1) {
            properties.insert("parentNode".into(), self.reference(slot));
        }
    }

    /// One property schema; the flag tells whether it admits `null`.
    fn property(&mut self, slot: usize, depth: usize) -> (Value, bool) {
        let roll = self.rng.below(100);
        let target = self.earlier(slot);
        let schema = match (roll, target) {
            (0..=17, _) => self.plain_string(),
            (18..=33, _) => self.formatted_string(),
            (34..=43, _) => self.integer(),
            (44..=48, _) => {
                json!({ "type": "number", "format": *self.rng.pick(&["double", "float"]) })
            }
            (49..=54, _) => json!({ "type": "boolean" }),
            (55..=62, _) => return (self.nullable(), true),
            (63..=68, _) => self.inline_enum(),
            (69..=80, Some(t)) => self.described(self.reference(t)),
            (81..=82, Some(t)) => {
                return (
                    json!({ "anyOf": [self.reference(t), { "type": "null" }] }),
                    true,
                );
            }
            (83..=90, Some(t)) => {
                json!({ "type": "array", "items": self.reference(t), "maxItems": 100 })
            }
            (91..=93, _) => json!({ "type": "array", "items": { "type": "string" } }),
            (94..=96, _) => self.map_property(target),
            (97..=99, _) if depth < 2 => self.inline_object(slot, depth + 1),
            _ => self.plain_string(),
        };
        (schema, false)
    }

    /// Adds a description to a schema now and then.
    fn described(&mut self, mut schema: Value) -> Value {
        if self.rng.chance(40) {
            let text = self.sentence("value");
            if schema.get("$ref").is_some() {
                // 3.1 allows siblings of `$ref`; keep them rare as in real documents.
                if self.rng.chance(50) {
                    schema["description"] = Value::from(text);
                }
            } else {
                schema["description"] = Value::from(text);
            }
        }
        schema
    }

    fn plain_string(&mut self) -> Value {
        let schema = match self.rng.below(4) {
            0 => json!({ "type": "string", "maxLength": 255 }),
            1 => json!({ "type": "string", "minLength": 1, "pattern": "^[A-Za-z0-9_-]+$" }),
            _ => json!({ "type": "string" }),
        };
        self.described(schema)
    }

    fn formatted_string(&mut self) -> Value {
        let format = *self.rng.pick(&[
            "date-time",
            "date-time",
            "date-time",
            "uuid",
            "uuid",
            "date",
            "uri",
            "email",
        ]);
        self.described(json!({ "type": "string", "format": format }))
    }

    fn integer(&mut self) -> Value {
        let schema = match self.rng.below(4) {
            0 => json!({ "type": "integer", "format": "int32", "minimum": 0, "maximum": 1000 }),
            1 => json!({ "type": "integer", "format": "int32" }),
            2 => json!({ "type": "integer", "format": "int64", "minimum": 0 }),
            _ => json!({ "type": "integer", "format": "int64" }),
        };
        self.described(schema)
    }

    /// `type: [x, "null"]`.
    fn nullable(&mut self) -> Value {
        let schema = match self.rng.below(5) {
            0 => json!({ "type": ["string", "null"] }),
            1 => json!({ "type": ["string", "null"], "format": "date-time" }),
            2 => json!({ "type": ["integer", "null"], "format": "int64" }),
            3 => json!({ "type": ["boolean", "null"] }),
            _ => json!({ "type": ["number", "null"] }),
        };
        self.described(schema)
    }

    fn enum_values(&mut self) -> Vec<Value> {
        let count = self.rng.between(3, 8);
        let style = self.rng.below(3);
        let mut values: Vec<String> = Vec::new();
        while values.len() < count {
            let word = *self.rng.pick(&ENUM_WORDS);
            let value = match style {
                0 => word.to_owned(),
                1 => word.to_uppercase(),
                _ => word.replace('_', "-"),
            };
            if !values.contains(&value) {
                values.push(value);
            }
        }
        values.into_iter().map(Value::from).collect()
    }

    fn inline_enum(&mut self) -> Value {
        let values = self.enum_values();
        self.described(json!({ "type": "string", "enum": values }))
    }

    fn map_property(&mut self, target: Option<usize>) -> Value {
        let values = match (self.rng.below(3), target) {
            (0, Some(t)) => self.reference(t),
            (1, _) => json!({ "type": "integer", "format": "int64" }),
            _ => json!({ "type": "string" }),
        };
        json!({ "type": "object", "additionalProperties": values })
    }

    /// An inline object of 3–5 properties (nested at most twice).
    fn inline_object(&mut self, slot: usize, depth: usize) -> Value {
        let count = self.rng.between(3, 5);
        let mut properties = Map::new();
        let mut required = Vec::new();
        while properties.len() < count {
            let name = *self.rng.pick(&PROPERTIES);
            if properties.contains_key(name) {
                continue;
            }
            let (schema, nullable) = self.property(slot, depth);
            if !nullable && self.rng.chance(50) {
                required.push(Value::from(name));
            }
            properties.insert(name.into(), schema);
        }
        let mut schema = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        self.described(schema)
    }

    fn string_enum(&mut self, slot: usize) -> Value {
        let values = self.enum_values();
        json!({
            "type": "string",
            "description": self.describe(slot),
            "enum": values,
        })
    }

    fn all_of(&mut self, slot: usize) -> Value {
        let objects: Vec<usize> = (SHARED.len()..slot)
            .filter(|&s| self.kinds[s] == Kind::Object)
            .collect();
        let object = *self.rng.pick(&objects);
        let mixin = MIXINS[self.rng.below(MIXINS.len())].0;
        json!({
            "description": self.describe(slot),
            "allOf": [
                { "$ref": format!("#/components/schemas/{mixin}") },
                self.reference(object),
            ],
        })
    }

    fn map(&mut self, slot: usize) -> Value {
        let target = self
            .earlier(slot)
            .expect("maps are planned after other schemas");
        let values = if self.rng.chance(50) {
            self.reference(target)
        } else {
            json!({ "type": "array", "items": self.reference(target) })
        };
        json!({
            "type": "object",
            "description": self.describe(slot),
            "additionalProperties": values,
        })
    }

    fn union(&mut self, slot: usize, variants: usize) -> Value {
        let slots = slot + 1..=slot + variants;
        let one_of: Vec<Value> = slots.clone().map(|s| self.reference(s)).collect();
        let mapping: Map<String, Value> = slots
            .map(|s| {
                let target = format!("#/components/schemas/{}", self.names[s]);
                (tag_of(&self.names[s]), Value::from(target))
            })
            .collect();
        json!({
            "description": self.describe(slot),
            "oneOf": one_of,
            "discriminator": { "propertyName": "kind", "mapping": mapping },
        })
    }

    /// The description of the schema in `slot`.
    fn describe(&mut self, slot: usize) -> String {
        let name = self.names[slot].clone();
        self.sentence(&name)
    }

    /// A description, sometimes two paragraphs with a code span.
    fn sentence(&mut self, subject: &str) -> String {
        let verbs = [
            "describes",
            "holds",
            "records",
            "configures",
            "summarises",
            "tracks",
        ];
        let objects = [
            "the current state",
            "what the owner last changed",
            "the limits that apply",
            "a single entry of the ledger",
            "how the scheduler treats it",
            "the values shown to customers",
        ];
        let verb = *self.rng.pick(&verbs);
        let object = *self.rng.pick(&objects);
        let mut text = format!("The {subject} {verb} {object}.");
        if self.rng.chance(25) {
            text.push_str(
                "\n\nValues are validated on write; send `null` to clear an optional \
                 field (e.g. `expiresAt`). Unknown fields are ignored.",
            );
        }
        text
    }

    /// The paths of every resource.
    fn paths(&mut self) -> Map<String, Value> {
        let models: Vec<usize> = (0..self.names.len())
            .filter(|&s| self.kinds[s].is_model())
            .collect();
        let mut paths = Map::new();
        for r in 0..RESOURCES {
            let model = models[r * models.len() / RESOURCES];
            let child = models[(r * 7 + 3) % models.len()];
            let resource = Resource::new(r, &self.names[child]);
            paths.insert(
                resource.collection_path(),
                self.collection(&resource, model),
            );
            paths.insert(resource.item_path(), self.item(&resource, model));
            paths.insert(resource.children_path(), self.children(&resource, child));
        }
        paths
    }

    /// `GET` (list) and `POST` (create) on a collection.
    fn collection(&mut self, resource: &Resource, model: usize) -> Value {
        let sort = self.enum_values();
        json!({
            "get": {
                "operationId": format!("list{}", resource.plural_camel),
                "summary": format!("List {}", resource.plural),
                "description": self.sentence(&resource.plural),
                "tags": [resource.tag],
                "parameters": [
                    { "$ref": "#/components/parameters/RequestId" },
                    { "$ref": "#/components/parameters/Limit" },
                    { "$ref": "#/components/parameters/Cursor" },
                    { "name": "sort", "in": "query", "schema": { "type": "string", "enum": sort } },
                    { "name": "include", "in": "query", "explode": false,
                      "schema": { "type": "array", "items": { "type": "string" } } },
                    { "name": "updatedSince", "in": "query",
                      "schema": { "type": "string", "format": "date-time" } },
                ],
                "responses": {
                    "200": json_response("One page of results.", json!({
                        "type": "object",
                        "required": ["items"],
                        "properties": {
                            "items": { "type": "array", "items": self.reference(model) },
                            "nextCursor": { "type": ["string", "null"] },
                            "total": { "type": "integer", "format": "int64" },
                        },
                    })),
                    "422": { "$ref": "#/components/responses/ValidationFailed" },
                    "default": { "$ref": "#/components/responses/Unexpected" },
                },
            },
            "post": {
                "operationId": format!("create{}", resource.singular_camel),
                "summary": format!("Create a {}", resource.singular),
                "tags": [resource.tag],
                "parameters": [
                    { "$ref": "#/components/parameters/RequestId" },
                    { "name": "Idempotency-Key", "in": "header", "schema": { "type": "string", "maxLength": 64 } },
                ],
                "requestBody": json_body(self.reference(model)),
                "responses": {
                    "201": json_response("Created.", self.reference(model)),
                    "422": { "$ref": "#/components/responses/ValidationFailed" },
                    "default": { "$ref": "#/components/responses/Unexpected" },
                },
            },
        })
    }

    /// `GET`, `PUT`, `PATCH` and `DELETE` on one item.
    fn item(&mut self, resource: &Resource, model: usize) -> Value {
        let patch = self.inline_object(model, 1);
        let errors = json!({
            "404": { "$ref": "#/components/responses/NotFound" },
            "422": { "$ref": "#/components/responses/ValidationFailed" },
            "default": { "$ref": "#/components/responses/Unexpected" },
        });
        let with = |mut base: Value, status: &str, response: Value| {
            base[status] = response;
            base
        };
        json!({
            "parameters": [{
                "name": resource.id_param, "in": "path", "required": true,
                "description": format!("The identifier of the {}.", resource.singular),
                "schema": { "type": "string", "format": "uuid" },
            }],
            "get": {
                "operationId": format!("get{}", resource.singular_camel),
                "summary": format!("Get a {}", resource.singular),
                "tags": [resource.tag],
                "parameters": [
                    { "name": "expand", "in": "query",
                      "schema": { "type": "array", "items": { "type": "string", "enum": ["owner", "children", "history"] } } },
                ],
                "responses": with(errors.clone(), "200", json_response("Found.", self.reference(model))),
            },
            "put": {
                "operationId": format!("replace{}", resource.singular_camel),
                "tags": [resource.tag],
                "parameters": [
                    { "name": "If-Match", "in": "header", "required": true, "schema": { "type": "string" } },
                ],
                "requestBody": json_body(self.reference(model)),
                "responses": with(errors.clone(), "200", json_response("Replaced.", self.reference(model))),
            },
            "patch": {
                "operationId": format!("update{}", resource.singular_camel),
                "description": self.sentence("update"),
                "tags": [resource.tag],
                "requestBody": json_body(patch),
                "responses": with(errors.clone(), "200", json_response("Updated.", self.reference(model))),
            },
            "delete": {
                "operationId": format!("delete{}", resource.singular_camel),
                "tags": [resource.tag],
                "responses": with(errors, "204", json!({ "description": "Deleted." })),
            },
        })
    }

    /// `GET`, `POST`, `PUT` and `DELETE` on the children of one item.
    fn children(&mut self, resource: &Resource, child: usize) -> Value {
        let new_child = self.inline_object(child, 1);
        let errors = json!({
            "404": { "$ref": "#/components/responses/NotFound" },
            "default": { "$ref": "#/components/responses/Unexpected" },
        });
        let with = |mut base: Value, status: &str, response: Value| {
            base[status] = response;
            base
        };
        let list = json!({ "type": "array", "items": self.reference(child) });
        json!({
            "parameters": [{
                "name": resource.id_param, "in": "path", "required": true,
                "schema": { "type": "string", "format": "uuid" },
            }],
            "get": {
                "operationId": format!("list{}Children", resource.singular_camel),
                "tags": [resource.tag],
                "parameters": [
                    { "$ref": "#/components/parameters/Limit" },
                    { "name": "minPriority", "in": "query",
                      "schema": { "type": "integer", "format": "int32", "minimum": 0, "maximum": 10 } },
                ],
                "responses": with(errors.clone(), "200", json_response("The children.", list.clone())),
            },
            "post": {
                "operationId": format!("add{}Child", resource.singular_camel),
                "tags": [resource.tag],
                "requestBody": json_body(new_child),
                "responses": with(with(errors.clone(), "201", json_response("Added.", self.reference(child))),
                    "422", json!({ "$ref": "#/components/responses/ValidationFailed" })),
            },
            "put": {
                "operationId": format!("replace{}Children", resource.singular_camel),
                "tags": [resource.tag],
                "requestBody": json_body(list.clone()),
                "responses": with(errors.clone(), "200", json_response("Replaced.", list)),
            },
            "delete": {
                "operationId": format!("clear{}Children", resource.singular_camel),
                "tags": [resource.tag],
                "parameters": [
                    { "name": "before", "in": "query", "schema": { "type": "string", "format": "date-time" } },
                    { "$ref": "#/components/parameters/RequestId" },
                ],
                "responses": with(errors, "204", json!({ "description": "Cleared." })),
            },
        })
    }
}

/// Decides what each schema slot holds: enums, `allOf`s and maps only once there
/// are objects to refer to; unions take their variants from the following slots.
fn plan_kinds(rng: &mut SplitMix64, len: usize) -> Vec<Kind> {
    let mut kinds = vec![Kind::Object; SHARED.len()];
    let mut objects = 0;
    while kinds.len() < len {
        let slot = kinds.len();
        let roll = rng.below(100);
        let kind = match roll {
            0..=11 => Kind::Enum,
            12..=19 if objects > 0 => Kind::AllOf,
            20..=24 if objects > 0 => Kind::Map,
            25..=30 if len - slot > 2 => Kind::Union(rng.between(2, 4).min(len - slot - 1)),
            _ => Kind::Object,
        };
        kinds.push(kind);
        match kind {
            Kind::Union(n) => kinds.extend((0..n).map(|_| Kind::Variant)),
            Kind::Object => objects += 1,
            _ => {}
        }
    }
    kinds.truncate(len);
    kinds
}

/// The discriminator tag of a variant: its name in snake_case.
fn tag_of(name: &str) -> String {
    let mut tag = String::new();
    for (i, c) in name.char_indices() {
        if c.is_ascii_uppercase() && i > 0 {
            tag.push('_');
        }
        tag.push(c.to_ascii_lowercase());
    }
    tag
}

/// The names one REST resource is known by.
struct Resource {
    tag: String,
    singular: String,
    plural: String,
    singular_camel: String,
    plural_camel: String,
    segment: String,
    child_segment: String,
    id_param: String,
}

impl Resource {
    fn new(index: usize, child: &str) -> Self {
        let domain = DOMAINS[index % DOMAINS.len()];
        let noun = NOUNS[index % NOUNS.len()];
        let singular_camel = format!("{domain}{noun}");
        let singular = tag_of(&singular_camel).replace('_', " ");
        Resource {
            tag: domain.to_lowercase(),
            plural: format!("{singular}s"),
            plural_camel: format!("{singular_camel}s"),
            segment: format!("{}s", noun.to_lowercase()),
            child_segment: format!("{}s", tag_of(child).replace('_', "-")),
            id_param: format!("{}Id", noun.to_lowercase()),
            singular,
            singular_camel,
        }
    }

    fn collection_path(&self) -> String {
        format!("/v1/{}/{}", self.tag, self.segment)
    }

    fn item_path(&self) -> String {
        format!("{}/{{{}}}", self.collection_path(), self.id_param)
    }

    fn children_path(&self) -> String {
        format!("{}/{}", self.item_path(), self.child_segment)
    }
}

/// A required JSON request body.
fn json_body(schema: Value) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": schema } } })
}

/// A JSON response.
fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "An error, as every endpoint reports it.",
        "required": ["detail"],
        "properties": {
            "detail": { "type": "string" },
            "code": { "type": "string", "enum": ["not_found", "conflict", "internal"] },
            "requestId": { "type": ["string", "null"], "format": "uuid" },
        },
    })
}

fn validation_error_schema() -> Value {
    json!({
        "type": "object",
        "description": "A request that failed validation (FastAPI's shape).",
        "required": ["detail"],
        "properties": {
            "detail": { "type": "array", "items": { "$ref": "#/components/schemas/ValidationIssue" } },
        },
    })
}

fn validation_issue_schema() -> Value {
    json!({
        "type": "object",
        "required": ["loc", "msg", "type"],
        "properties": {
            "loc": { "type": "array", "items": { "type": ["string", "integer"] } },
            "msg": { "type": "string" },
            "type": { "type": "string" },
        },
    })
}

fn mixin_schema(name: &str, fields: &[Field]) -> Value {
    let mut properties = Map::new();
    for (field, ty, format) in fields {
        let mut schema = json!({ "type": ty });
        if let Some(format) = format {
            schema["format"] = Value::from(*format);
        }
        properties.insert((*field).into(), schema);
    }
    let required: Vec<&str> = fields.iter().map(|f| f.0).take(1).collect();
    json!({
        "type": "object",
        "description": format!("The {name} mix-in."),
        "required": required,
        "properties": properties,
    })
}

fn shared_parameters() -> Value {
    json!({
        "RequestId": {
            "name": "X-Request-Id", "in": "header",
            "description": "Correlates the request with logs.",
            "schema": { "type": "string", "format": "uuid" },
        },
        "Limit": {
            "name": "limit", "in": "query",
            "schema": { "type": "integer", "format": "int32", "minimum": 1, "maximum": 100, "default": 20 },
        },
        "Cursor": {
            "name": "cursor", "in": "query",
            "description": "The `nextCursor` of the previous page.",
            "schema": { "type": "string" },
        },
    })
}

fn shared_responses() -> Value {
    json!({
        "NotFound": json_response("Not found.", json!({ "$ref": "#/components/schemas/Error" })),
        "ValidationFailed": json_response(
            "The request is invalid.",
            json!({ "$ref": "#/components/schemas/ValidationError" }),
        ),
        "Unexpected": json_response("Unexpected error.", json!({ "$ref": "#/components/schemas/Error" })),
    })
}
