//! Installing the observability stack's subscriber, as book/src/observability.md
//! shows it.

use oapi_gen_server_runtime::observability;

fn main() {
    // ANCHOR: init
    let config = observability::Config::from_env();
    observability::init(&config).expect("no other global subscriber");
    // ANCHOR_END: init
}
