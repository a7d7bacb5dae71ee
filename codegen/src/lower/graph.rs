//! Whole-graph passes over the type space, run once every type is known:
//! recursive aliases become newtypes, by-value cycles are broken with `Box`, and the
//! derivable traits of every type are computed.

use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use super::shape_key::shape_key;
use crate::ir::{AdditionalProperties, Primitive, TypeDef, TypeId, TypeKind, TypeRef, TypeSpace};

/// Runs every pass, in the order they depend on each other.
pub(super) fn finish(types: &mut TypeSpace) {
    newtype_recursive_aliases(types);
    box_cycles(types);
    alias_duplicate_inline_types(types);
    compute_traits(types);
}

/// Makes every inline type that is identical to an earlier type (same shape, fields,
/// docs of its members, constraints; names of the types themselves aside) an alias of
/// that type. APIs repeat inline schemas a lot (FastAPI inlines every union, real
/// documents repeat enums per property); emitting each once keeps generated code small
/// and quick to compile, and the aliases keep every name.
fn alias_duplicate_inline_types(types: &mut TypeSpace) {
    let n = types.defs.len();
    let mut canonical: Vec<usize> = (0..n).collect();
    // The definitions that refer to each one: a key only changes when a type that
    // its definition refers to is merged, so each round recomputes those keys only.
    let mut referrers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, def) in types.defs.iter().enumerate() {
        let mut named = Vec::new();
        for part in parts(def) {
            named_in(part, false, &mut named);
        }
        named.sort_unstable();
        named.dedup();
        for id in named {
            referrers[id.0].push(i);
        }
    }
    let mut keys: Vec<Option<(u64, Vec<u8>)>> = vec![None; n];
    // Merging two types can make types that refer to them identical: repeat until
    // nothing changes (each round merges at least one type, or stops).
    loop {
        // The definitions seen in this round, by the hash of their key; a key is not
        // recomputed after its definition is seen until the next round.
        let mut first_with_key: HashMap<u64, Vec<usize>> = HashMap::new();
        // Definitions seen in this round whose key changes for the next one.
        let mut stale = Vec::new();
        let mut changed = false;
        for i in 0..n {
            if canonical[i] != i || matches!(types.defs[i].kind, TypeKind::Alias(_)) {
                continue;
            }
            if keys[i].is_none() {
                let key = shape_key(&types.defs[i], &canonical);
                keys[i] = Some((hash_of(&key), key));
            }
            let Some((hash, key)) = &keys[i] else {
                continue;
            };
            let hash = *hash;
            let first = first_with_key.get(&hash).and_then(|seen| {
                seen.iter()
                    .copied()
                    .find(|&j| keys[j].as_ref().is_some_and(|(_, other)| other == key))
            });
            match first {
                Some(first) if types.defs[i].inline => {
                    canonical[i] = first;
                    changed = true;
                    for &referrer in &referrers[i] {
                        if referrer > i {
                            keys[referrer] = None;
                        } else {
                            stale.push(referrer);
                        }
                    }
                }
                Some(_) => {}
                None => first_with_key.entry(hash).or_default().push(i),
            }
        }
        if !changed {
            break;
        }
        for referrer in stale {
            keys[referrer] = None;
        }
    }
    for (i, def) in types.defs.iter_mut().enumerate() {
        if canonical[i] != i {
            def.kind = TypeKind::Alias(TypeRef::Named(TypeId(canonical[i])));
        }
    }
}

fn hash_of(key: &[u8]) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

/// The type expressions a definition is made of.
fn parts(def: &TypeDef) -> Vec<&TypeRef> {
    match &def.kind {
        TypeKind::Struct(s) => {
            let mut parts: Vec<&TypeRef> = s.fields.iter().map(|f| &f.ty).collect();
            if let AdditionalProperties::Keep { ty, .. } = &s.additional {
                parts.push(ty);
            }
            parts
        }
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty],
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => Vec::new(),
    }
}

fn parts_mut(kind: &mut TypeKind) -> Vec<&mut TypeRef> {
    match kind {
        TypeKind::Struct(s) => {
            let mut parts: Vec<&mut TypeRef> = s.fields.iter_mut().map(|f| &mut f.ty).collect();
            if let AdditionalProperties::Keep { ty, .. } = &mut s.additional {
                parts.push(ty);
            }
            parts
        }
        TypeKind::Union(u) => u.variants.iter_mut().map(|v| &mut v.ty).collect(),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty],
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => Vec::new(),
    }
}

/// Every named type mentioned in `ty`; `by_value` limits it to those stored inline
/// (not behind a `Vec`, map, set or `Box`).
fn named_in(ty: &TypeRef, by_value: bool, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Primitive(_) => {}
        TypeRef::Option(inner) => named_in(inner, by_value, out),
        TypeRef::Tuple(items) => items.iter().for_each(|t| named_in(t, by_value, out)),
        TypeRef::Array(inner)
        | TypeRef::Set(inner)
        | TypeRef::Map(inner)
        | TypeRef::Boxed(inner) => {
            if !by_value {
                named_in(inner, by_value, out);
            }
        }
    }
}

/// A type alias may not mention itself, even behind a `Vec`: Rust expands aliases.
/// Aliases on a cycle of aliases become newtypes, which are nominal.
fn newtype_recursive_aliases(types: &mut TypeSpace) {
    let n = types.defs.len();
    let successors: Vec<Vec<usize>> = (0..n)
        .map(|i| match &types.defs[i].kind {
            TypeKind::Alias(ty) => {
                let mut out = Vec::new();
                named_in(ty, false, &mut out);
                out.into_iter()
                    .map(|id| id.0)
                    .filter(|j| matches!(types.defs[*j].kind, TypeKind::Alias(_)))
                    .collect()
            }
            _ => Vec::new(),
        })
        .collect();
    for component in strongly_connected(&successors) {
        let cyclic = component.len() > 1 || successors[component[0]].contains(&component[0]);
        if !cyclic {
            continue;
        }
        for i in component {
            let def = &mut types.defs[i];
            if let TypeKind::Alias(ty) = &def.kind {
                def.kind = TypeKind::Newtype(ty.clone());
            }
        }
    }
}

/// Boxes every by-value reference that closes a cycle of types stored inside each
/// other, which would otherwise have infinite size.
fn box_cycles(types: &mut TypeSpace) {
    let n = types.defs.len();
    // Aliases are transparent: a reference to one is a reference to what it expands to.
    let mut expansion: HashMap<usize, BTreeSet<usize>> = HashMap::new();
    for i in 0..n {
        let mut seen = BTreeSet::new();
        let mut out = BTreeSet::new();
        expand(types, i, &mut seen, &mut out);
        expansion.insert(i, out);
    }
    let successors: Vec<Vec<usize>> = (0..n)
        .map(|i| {
            if matches!(types.defs[i].kind, TypeKind::Alias(_)) {
                return Vec::new();
            }
            let mut direct = Vec::new();
            for part in parts(&types.defs[i]) {
                named_in(part, true, &mut direct);
            }
            let mut out: BTreeSet<usize> = BTreeSet::new();
            for id in direct {
                out.extend(expansion[&id.0].iter().copied());
            }
            out.into_iter().collect()
        })
        .collect();
    let mut component_of = vec![usize::MAX; n];
    let mut cyclic = vec![false; n];
    for (index, component) in strongly_connected(&successors).into_iter().enumerate() {
        let is_cycle = component.len() > 1 || successors[component[0]].contains(&component[0]);
        for &i in &component {
            component_of[i] = index;
            cyclic[i] = is_cycle;
        }
    }
    for i in 0..n {
        if !cyclic[i] || matches!(types.defs[i].kind, TypeKind::Alias(_)) {
            continue;
        }
        let own = component_of[i];
        for part in parts_mut(&mut types.defs[i].kind) {
            box_in(part, &|id: TypeId| {
                expansion[&id.0].iter().any(|&j| component_of[j] == own)
            });
        }
    }
}

/// The non-alias types that a reference to `i` stores by value (iteratively: alias
/// chains can be as long as the document).
fn expand(types: &TypeSpace, i: usize, seen: &mut BTreeSet<usize>, out: &mut BTreeSet<usize>) {
    let mut stack = vec![i];
    while let Some(i) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        match &types.defs[i].kind {
            TypeKind::Alias(ty) => {
                let mut direct = Vec::new();
                named_in(ty, true, &mut direct);
                stack.extend(direct.into_iter().map(|id| id.0));
            }
            _ => {
                out.insert(i);
            }
        }
    }
}

/// Wraps by-value references to types for which `closes_cycle` holds in `Box`.
fn box_in(ty: &mut TypeRef, closes_cycle: &dyn Fn(TypeId) -> bool) {
    match ty {
        TypeRef::Named(id) => {
            if closes_cycle(*id) {
                *ty = TypeRef::Boxed(Box::new(TypeRef::Named(*id)));
            }
        }
        TypeRef::Option(inner) => box_in(inner, closes_cycle),
        TypeRef::Tuple(items) => items.iter_mut().for_each(|t| box_in(t, closes_cycle)),
        TypeRef::Primitive(_)
        | TypeRef::Array(_)
        | TypeRef::Set(_)
        | TypeRef::Map(_)
        | TypeRef::Boxed(_) => {}
    }
}

/// Tarjan's algorithm, iterative: the strongly connected components of a graph given
/// by successor lists, each listed once.
fn strongly_connected(successors: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = successors.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work = vec![(start, 0usize)];
        index[start] = next;
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if let Some(&w) = successors[v].get(*child) {
                *child += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    component.sort_unstable();
                    components.push(component);
                }
            }
        }
    }
    components
}

/// Computes [`Traits`](crate::ir::Traits) of every type as the greatest fixed point:
/// a type is `Eq`/`Hash` unless something it contains is not.
fn compute_traits(types: &mut TypeSpace) {
    let n = types.defs.len();
    let mut eq = vec![true; n];
    let mut hash = vec![true; n];
    loop {
        let mut changed = false;
        for i in 0..n {
            let (e, h) = parts(&types.defs[i])
                .into_iter()
                .fold((true, true), |(e, h), ty| {
                    (
                        e && ref_is(ty, &eq, Primitive::is_eq),
                        h && ref_is(ty, &hash, Primitive::is_hash),
                    )
                });
            let (e, h) = (eq[i] && e, hash[i] && h && e);
            if (e, h) != (eq[i], hash[i]) {
                eq[i] = e;
                hash[i] = h;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for i in 0..n {
        let def = &mut types.defs[i];
        let (default, copy_ord) = match &def.kind {
            TypeKind::Struct(s) => (
                s.fields
                    .iter()
                    .all(|f| f.ty.is_option() && f.default.is_none()),
                false,
            ),
            TypeKind::StringEnum(e) => (e.default.is_some(), true),
            TypeKind::IntEnum(e) => (e.default.is_some(), true),
            TypeKind::Union(_) | TypeKind::Alias(_) | TypeKind::Newtype(_) => (false, false),
        };
        def.traits.eq = eq[i];
        def.traits.hash = hash[i];
        def.traits.default = default;
        def.traits.copy_ord = copy_ord;
    }
}

/// Whether `ty` has a property, given the property for named types and primitives.
fn ref_is(ty: &TypeRef, named: &[bool], primitive: fn(Primitive) -> bool) -> bool {
    match ty {
        TypeRef::Named(id) => named[id.0],
        TypeRef::Primitive(p) => primitive(*p),
        TypeRef::Array(inner)
        | TypeRef::Set(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => ref_is(inner, named, primitive),
        TypeRef::Tuple(items) => items.iter().all(|t| ref_is(t, named, primitive)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_components_and_self_loops() {
        // 0 -> 1 -> 0, 2 -> 2, 3 alone.
        let graph = vec![vec![1], vec![0], vec![2], vec![]];
        let mut components = strongly_connected(&graph);
        components.sort();
        assert_eq!(components, vec![vec![0, 1], vec![2], vec![3]]);
    }
}
