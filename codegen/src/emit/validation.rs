//! Validation code for servers: `impl Validate` for every type whose schema (or a
//! type inside it) has validation keywords, and the checks of parameter values.
//! The checks themselves are generic functions of `oapi_gen_server_runtime::validate`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{
    AdditionalProperties, Bound, Constraints, Primitive, TypeDef, TypeId, TypeKind, TypeRef,
    TypeSpace,
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
            let value = Literal::f64_unsuffixed(value);
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
        TypeRef::Primitive(p)
            if is_number(*p)
                && (c.minimum.is_some() || c.maximum.is_some() || c.multiple_of.is_some()) =>
        {
            let (min, max) = (bound(c.minimum), bound(c.maximum));
            let step = match c.multiple_of {
                Some(step) => {
                    let step = Literal::f64_unsuffixed(step);
                    quote!(Some(#step))
                }
                None => quote!(None),
            };
            let number = if *p == Primitive::F64 {
                quote!(*#value)
            } else {
                quote!(*#value as f64)
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

fn is_number(p: Primitive) -> bool {
    matches!(
        p,
        Primitive::I8
            | Primitive::I16
            | Primitive::I32
            | Primitive::I64
            | Primitive::U8
            | Primitive::U16
            | Primitive::U32
            | Primitive::U64
            | Primitive::F32
            | Primitive::F64
    )
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
