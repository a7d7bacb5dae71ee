//! Validation code for servers: `impl Validate` for every type whose schema (or a
//! type inside it) has validation keywords, and the checks of parameter values.
//! The checks themselves are generic functions of `oapi_gen_server_runtime::validate`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{
    AdditionalProperties, Bound, Constraints, Number, Primitive, TypeDef, TypeId, TypeKind,
    TypeRef, TypeSpace,
};

/// Which named types get a `Validate` impl: those with checks of their own or inside.
pub struct Validated {
    needs: Vec<bool>,
}

impl Validated {
    /// Computes the set over the whole type space (a fixed point, for recursion).
    pub fn new(types: &TypeSpace) -> Self {
        let has_checks = |ty: &TypeRef, c: &Constraints| {
            !own_checks(types, ty, &effective(types, ty, c), quote!(value)).is_empty()
        };
        // Types with checks of their own…
        let mut needs: Vec<bool> = types
            .defs
            .iter()
            .map(|def| match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().any(|f| has_checks(&f.ty, &f.constraints)),
                TypeKind::Newtype(ty) => has_checks(ty, &def.constraints),
                _ => false,
            })
            .collect();
        // …and those containing such types (a fixed point, for recursion).
        loop {
            let mut changed = false;
            for (i, def) in types.defs.iter().enumerate() {
                if needs[i] || !can_impl(def) {
                    continue;
                }
                let inside = match &def.kind {
                    TypeKind::Struct(s) => {
                        s.fields.iter().any(|f| refers(types, &needs, &f.ty))
                            || matches!(&s.additional, AdditionalProperties::Keep { ty, .. } if refers(types, &needs, ty))
                    }
                    TypeKind::Union(u) => u.variants.iter().any(|v| refers(types, &needs, &v.ty)),
                    TypeKind::Newtype(ty) => refers(types, &needs, ty),
                    _ => false,
                };
                if inside {
                    needs[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        Validated { needs }
    }

    /// Whether values of `ty` have anything to validate through named types.
    pub fn refers(&self, types: &TypeSpace, ty: &TypeRef) -> bool {
        refers(types, &self.needs, ty)
    }

    /// The `impl Validate` item of the type at `index` of `types.defs`, if it needs one.
    pub fn impl_at(&self, types: &TypeSpace, index: usize) -> Option<TokenStream> {
        let def = types.defs.get(index)?;
        self.needs[index].then(|| self.impl_for(types, def))
    }

    fn impl_for(&self, types: &TypeSpace, def: &TypeDef) -> TokenStream {
        let name = format_ident!("{}", def.name);
        let body = match &def.kind {
            TypeKind::Struct(s) => {
                let fields = s.fields.iter().map(|f| {
                    let field = format_ident!("{}", f.rust_name);
                    let wire = &f.wire_name;
                    let checks = self.checks(types, &f.ty, &f.constraints, quote!(&self.#field));
                    if checks.is_empty() {
                        return TokenStream::new();
                    }
                    quote! {
                        at.push(runtime::error::LocItem::key(#wire));
                        #checks
                        at.pop();
                    }
                });
                let additional = match &s.additional {
                    AdditionalProperties::Keep { rust_name, ty } if self.refers(types, ty) => {
                        let field = format_ident!("{}", rust_name);
                        quote!(runtime::validate::Validate::validate(&self.#field, at, errors);)
                    }
                    _ => TokenStream::new(),
                };
                quote!(#(#fields)* #additional)
            }
            TypeKind::Union(u) => {
                let arms = u.variants.iter().map(|v| {
                    let variant = format_ident!("{}", v.rust_name);
                    if self.refers(types, &v.ty) {
                        quote!(Self::#variant(value) => runtime::validate::Validate::validate(value, at, errors),)
                    } else {
                        quote!(Self::#variant(_) => {})
                    }
                });
                quote!(match self { #(#arms)* })
            }
            TypeKind::Newtype(ty) => self.checks(types, ty, &def.constraints, quote!(&self.0)),
            _ => TokenStream::new(),
        };
        quote! {
            impl runtime::validate::Validate for #name {
                fn validate(
                    &self,
                    at: &mut Vec<runtime::error::LocItem>,
                    errors: &mut runtime::ValidationErrors,
                ) {
                    #body
                }
            }
        }
    }

    /// The checks of one value (`value` is an expression of type `&ty`), located at
    /// `at`; empty when there is nothing to check.
    pub fn checks(
        &self,
        types: &TypeSpace,
        ty: &TypeRef,
        constraints: &Constraints,
        value: TokenStream,
    ) -> TokenStream {
        let constraints = effective(types, ty, constraints);
        let own = own_checks(types, ty, &constraints, quote!(value));
        let nested = self
            .refers(types, ty)
            .then(|| quote!(runtime::validate::Validate::validate(value, at, errors);));
        if own.is_empty() && nested.is_none() {
            return TokenStream::new();
        }
        match ty {
            TypeRef::Option(_) => quote! {
                if let Some(value) = #value {
                    #own
                    #nested
                }
            },
            _ => quote! {
                {
                    let value = #value;
                    #own
                    #nested
                }
            },
        }
    }
}

/// Whether the type's definition can carry an impl (aliases are not types of their own).
fn can_impl(def: &TypeDef) -> bool {
    matches!(
        def.kind,
        TypeKind::Struct(_) | TypeKind::Union(_) | TypeKind::Newtype(_)
    )
}

fn refers(types: &TypeSpace, needs: &[bool], ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(id) => match &types.get(*id).kind {
            TypeKind::Alias(target) => refers(types, needs, target),
            _ => needs[id.0],
        },
        TypeRef::Primitive(_) => false,
        TypeRef::Array(inner)
        | TypeRef::Set(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => refers(types, needs, inner),
        // Tuples have no `Validate` impl; their members are left unchecked.
        TypeRef::Tuple(_) => false,
    }
}

/// The constraints that apply to a value: its own, else those of the alias it is.
fn effective(types: &TypeSpace, ty: &TypeRef, constraints: &Constraints) -> Constraints {
    let relevant = |c: &Constraints| Constraints {
        allowed: Vec::new(),
        ..c.clone()
    };
    let own = relevant(constraints);
    if !own.is_empty() {
        return own;
    }
    match ty.required() {
        TypeRef::Named(TypeId(i)) => match &types.defs[*i].kind {
            TypeKind::Alias(target) => effective(types, target, &types.defs[*i].constraints),
            _ => Constraints::default(),
        },
        _ => Constraints::default(),
    }
}

/// The checks of constraints on a value bound to `value` (a reference to the value
/// without its `Option`).
fn own_checks(types: &TypeSpace, ty: &TypeRef, c: &Constraints, value: TokenStream) -> TokenStream {
    let ty = resolve(types, ty.required());
    let mut checks = Vec::new();
    let opt_u64 = |v: Option<u64>| match v {
        Some(n) => {
            let n = Literal::u64_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    let bound = |b: Option<Bound>| match b {
        Some(Bound { value, exclusive }) => {
            let value = Literal::f64_unsuffixed(value.as_f64());
            quote!(Some((#value, #exclusive)))
        }
        None => quote!(None),
    };
    match ty {
        TypeRef::Primitive(Primitive::String) => {
            if c.min_length.is_some() || c.max_length.is_some() {
                let (min, max) = (opt_u64(c.min_length), opt_u64(c.max_length));
                checks.push(quote!(runtime::validate::length(#value, #min, #max, at, errors);));
            }
            if let Some(pattern) = &c.pattern {
                checks.push(quote! {
                    static PATTERN: runtime::validate::Pattern = runtime::validate::Pattern::new(#pattern);
                    runtime::validate::pattern(#value, &PATTERN, at, errors);
                });
            }
        }
        TypeRef::Primitive(p) if integer_range(*p).is_some() => {
            checks.extend(integer_check(*p, c, &value));
        }
        TypeRef::Primitive(p)
            if is_float(*p)
                && (c.minimum.is_some() || c.maximum.is_some() || c.multiple_of.is_some()) =>
        {
            let (min, max) = (bound(c.minimum), bound(c.maximum));
            let step = match c.multiple_of {
                Some(step) => {
                    let step = Literal::f64_unsuffixed(step.as_f64());
                    quote!(Some(#step))
                }
                None => quote!(None),
            };
            let number = if *p == Primitive::F64 {
                quote!(*#value)
            } else {
                quote!(f64::from(*#value))
            };
            checks.push(quote!(
                runtime::validate::number(#number, #min, #max, #step, at, errors);
            ));
        }
        TypeRef::Array(item) | TypeRef::Set(item) => {
            if c.min_items.is_some() || c.max_items.is_some() {
                let (min, max) = (opt_u64(c.min_items), opt_u64(c.max_items));
                checks
                    .push(quote!(runtime::validate::count(#value.len(), #min, #max, at, errors);));
            }
            if c.unique_items && matches!(ty, TypeRef::Array(_)) {
                checks.push(quote!(runtime::validate::unique(#value, at, errors);));
            }
            if let Some(items) = &c.items {
                let mut inner = own_checks(types, item, items, quote!(item));
                if matches!(**item, TypeRef::Option(_)) && !inner.is_empty() {
                    // A nullable item: its constraints apply to the value, not to `null`.
                    inner = quote!(if let Some(item) = item { #inner });
                }
                if !inner.is_empty() {
                    checks.push(quote! {
                        for (index, item) in #value.iter().enumerate() {
                            at.push(runtime::error::LocItem::Index(index));
                            #inner
                            at.pop();
                        }
                    });
                }
            }
        }
        TypeRef::Map(_) if c.min_properties.is_some() || c.max_properties.is_some() => {
            let (min, max) = (opt_u64(c.min_properties), opt_u64(c.max_properties));
            checks.push(quote!(runtime::validate::count(#value.len(), #min, #max, at, errors);));
        }
        _ => {}
    }
    quote!(#(#checks)*)
}

/// `ty` with aliases and boxes looked through.
fn resolve<'a>(types: &'a TypeSpace, ty: &'a TypeRef) -> &'a TypeRef {
    match ty {
        TypeRef::Named(id) => match &types.get(*id).kind {
            TypeKind::Alias(target) => resolve(types, target),
            _ => ty,
        },
        TypeRef::Boxed(inner) => resolve(types, inner),
        _ => ty,
    }
}

fn is_float(p: Primitive) -> bool {
    matches!(p, Primitive::F32 | Primitive::F64)
}

/// The smallest and largest values of an integer primitive.
fn integer_range(p: Primitive) -> Option<(i128, i128)> {
    Some(match p {
        Primitive::I8 => (i8::MIN.into(), i8::MAX.into()),
        Primitive::I16 => (i16::MIN.into(), i16::MAX.into()),
        Primitive::I32 => (i32::MIN.into(), i32::MAX.into()),
        Primitive::I64 => (i64::MIN.into(), i64::MAX.into()),
        Primitive::U8 => (0, u8::MAX.into()),
        Primitive::U16 => (0, u16::MAX.into()),
        Primitive::U32 => (0, u32::MAX.into()),
        Primitive::U64 => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// The `runtime::validate::integer` check of an integer primitive `p`, compared as
/// integers (`i128`, which holds every value of every integer type exactly): the
/// bounds become the smallest and largest integers allowed, and a bound every value
/// of `p` meets is left out (none at all when nothing is left). A bound no value
/// meets is kept: the runtime then reports every value, with the bound as written.
fn integer_check(p: Primitive, c: &Constraints, value: &TokenStream) -> Option<TokenStream> {
    let (low, high) = integer_range(p)?;
    let min = c
        .minimum
        .map(|b| (lowest_allowed(b), b))
        .filter(|(limit, _)| *limit > low);
    let max = c
        .maximum
        .map(|b| (highest_allowed(b), b))
        .filter(|(limit, _)| *limit < high);
    let step = c
        .multiple_of
        .and_then(|step| Some((integer_step(step)?, step)))
        .filter(|(step, _)| *step > 1);
    if min.is_none() && max.is_none() && step.is_none() {
        return None;
    }
    let bound = |b: Option<(i128, Bound)>| match b {
        Some((limit, Bound { value, exclusive })) => {
            let limit = Literal::i128_unsuffixed(limit);
            let shown = value.to_string();
            quote!(Some((#limit, #exclusive, #shown)))
        }
        None => quote!(None),
    };
    let (min, max) = (bound(min), bound(max));
    let step = match step {
        Some((step, written)) => {
            let step = Literal::i128_unsuffixed(step);
            let shown = written.to_string();
            quote!(Some((#step, #shown)))
        }
        None => quote!(None),
    };
    Some(quote!(
        runtime::validate::integer(i128::from(*#value), #min, #max, #step, at, errors);
    ))
}

/// The smallest integer a `minimum` allows (saturated to `i128`, beyond any value).
#[allow(clippy::cast_possible_truncation)]
fn lowest_allowed(b: Bound) -> i128 {
    match (b.value, b.exclusive) {
        (Number::Integer(n), false) => n,
        (Number::Integer(n), true) => n.saturating_add(1),
        // `as` saturates, which is what a bound beyond `i128` means for any value.
        (Number::Float(f), false) => f.ceil() as i128,
        (Number::Float(f), true) => (f.floor() as i128).saturating_add(1),
    }
}

/// The largest integer a `maximum` allows (saturated to `i128`, beyond any value).
#[allow(clippy::cast_possible_truncation)]
fn highest_allowed(b: Bound) -> i128 {
    match (b.value, b.exclusive) {
        (Number::Integer(n), false) => n,
        (Number::Integer(n), true) => n.saturating_sub(1),
        (Number::Float(f), false) => f.floor() as i128,
        (Number::Float(f), true) => (f.ceil() as i128).saturating_sub(1),
    }
}

/// The positive integer `k` such that an integer is a multiple of `step` exactly when
/// it is one of `k`; `None` for a step that is not positive (which constrains
/// nothing).
///
/// An integer `v` is a multiple of `p / q` (in lowest terms) when `q·v ≡ 0 (mod p)`,
/// that is when `p` divides `v`. A float step is read as the shortest decimal that
/// is that float (`2.5` is 25/10 = 5/2: a multiple of 5; `0.1` is 1/10: any
/// integer), which is what the document wrote. A step beyond `u64` leaves 0 as the
/// only multiple in range, as `i128::MAX` does.
fn integer_step(step: Number) -> Option<i128> {
    match step {
        Number::Integer(n) => (n > 0).then_some(n),
        Number::Float(f) if f <= 0.0 || !f.is_finite() => None,
        Number::Float(f) if f >= 18_446_744_073_709_551_616.0 => Some(i128::MAX),
        // Below 2^64 a float with no fraction is an integer `i128` holds exactly.
        #[allow(clippy::cast_possible_truncation)]
        Number::Float(f) if f.fract() == 0.0 => Some(f as i128),
        Number::Float(f) => {
            // Rust prints the shortest decimal that reads back as `f`, without an
            // exponent: `0.000001`, `2.5`.
            let text = f.to_string();
            let (whole, fraction) = text.split_once('.')?;
            let digits = format!("{whole}{fraction}");
            let mut numerator: i128 = digits.trim_start_matches('0').parse().ok()?;
            // The denominator is 10^k: divide out the common factors 2 and 5.
            let k = fraction.len();
            for factor in [2, 5] {
                for _ in 0..k {
                    if numerator % factor != 0 {
                        break;
                    }
                    numerator /= factor;
                }
            }
            Some(numerator)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_constraints_become_length_and_pattern_checks() {
        let types = TypeSpace::default();
        let c = Constraints {
            min_length: Some(1),
            pattern: Some("^a+$".to_owned()),
            ..Constraints::default()
        };
        let ty = TypeRef::Primitive(Primitive::String);
        let code = own_checks(&types, &ty, &c, quote!(value)).to_string();
        assert!(
            code.contains("validate :: length (value , Some (1) , None"),
            "{code}"
        );
        assert!(
            code.contains("Pattern :: new (\"^a+$\")")
                && code.contains("validate :: pattern (value , & PATTERN"),
            "{code}"
        );
    }

    fn integer_code(p: Primitive, c: &Constraints) -> String {
        own_checks(
            &TypeSpace::default(),
            &TypeRef::Primitive(p),
            c,
            quote!(value),
        )
        .to_string()
    }

    fn bound(value: Number, exclusive: bool) -> Option<Bound> {
        Some(Bound { value, exclusive })
    }

    #[test]
    fn integer_bounds_are_exact_integers() {
        let c = Constraints {
            minimum: bound(Number::Integer(-9_223_372_036_854_775_807), true),
            maximum: bound(Number::Integer(9_007_199_254_740_993), false),
            multiple_of: Some(Number::Integer(3)),
            ..Constraints::default()
        };
        assert_eq!(
            integer_code(Primitive::I64, &c),
            "runtime :: validate :: integer (i128 :: from (* value) , \
             Some ((- 9223372036854775806 , true , \"-9223372036854775807\")) , \
             Some ((9007199254740993 , false , \"9007199254740993\")) , Some ((3 , \"3\")) , at , errors) ;"
        );
        // Float bounds and steps on integers.
        let c = Constraints {
            minimum: bound(Number::Float(-0.5), true),
            maximum: bound(Number::Float(10.5), false),
            multiple_of: Some(Number::Float(2.5)),
            ..Constraints::default()
        };
        assert_eq!(
            integer_code(Primitive::I32, &c),
            "runtime :: validate :: integer (i128 :: from (* value) , \
             Some ((0 , true , \"-0.5\")) , Some ((10 , false , \"10.5\")) , \
             Some ((5 , \"2.5\")) , at , errors) ;"
        );
    }

    #[test]
    fn bounds_every_value_meets_are_left_out() {
        // The ends of the type, a step of 1 (or a fraction of 1) and beyond.
        let c = Constraints {
            minimum: bound(Number::Integer(i64::MIN.into()), false),
            maximum: bound(Number::Float(1e300), true),
            multiple_of: Some(Number::Float(0.1)),
            ..Constraints::default()
        };
        assert_eq!(integer_code(Primitive::I64, &c), "");
        let c = Constraints {
            minimum: bound(Number::Integer(-1), false),
            maximum: bound(Number::Integer(256), true),
            ..Constraints::default()
        };
        assert_eq!(integer_code(Primitive::U8, &c), "");
        // A bound no value meets is kept, for the runtime to report.
        let c = Constraints {
            minimum: bound(Number::Integer(256), false),
            ..Constraints::default()
        };
        assert!(
            integer_code(Primitive::U8, &c).contains("Some ((256 , false , \"256\"))"),
            "{}",
            integer_code(Primitive::U8, &c)
        );
    }

    #[test]
    fn steps_become_integers_exactly() {
        assert_eq!(integer_step(Number::Integer(7)), Some(7));
        assert_eq!(integer_step(Number::Integer(0)), None);
        assert_eq!(integer_step(Number::Float(-2.0)), None);
        assert_eq!(integer_step(Number::Float(4.0)), Some(4));
        assert_eq!(integer_step(Number::Float(2.5)), Some(5));
        assert_eq!(integer_step(Number::Float(0.75)), Some(3));
        assert_eq!(integer_step(Number::Float(0.1)), Some(1));
        assert_eq!(integer_step(Number::Float(1.2e-7)), Some(3));
        assert_eq!(integer_step(Number::Float(1e20)), Some(i128::MAX));
    }

    #[test]
    fn unconstrained_values_have_no_checks() {
        let types = TypeSpace::default();
        let ty = TypeRef::Option(Box::new(TypeRef::Primitive(Primitive::I64)));
        let validated = Validated::new(&types);
        assert!(
            validated
                .checks(&types, &ty, &Constraints::default(), quote!(&x))
                .is_empty()
        );
    }
}
