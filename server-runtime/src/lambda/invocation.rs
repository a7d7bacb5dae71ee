//! The Lambda invocation serving a request, from the runtime's context.

use std::sync::atomic::{AtomicBool, Ordering};

use lambda_http::Context;

use crate::context::LambdaInvocation;

/// The environment variable Lambda sets to how the execution environment started
/// (`on-demand`, `provisioned-concurrency` or `snap-start`).
const INITIALIZATION_TYPE: &str = "AWS_LAMBDA_INITIALIZATION_TYPE";

/// Tells the first invocation of an execution environment from the later ones.
#[derive(Debug)]
pub(crate) struct ColdStart(AtomicBool);

impl ColdStart {
    /// A tracker whose first [`take`](ColdStart::take) is a cold start, unless the
    /// environment was initialised ahead of demand (provisioned concurrency), as AWS
    /// Lambda Powertools counts it.
    pub(crate) fn new() -> Self {
        let provisioned =
            std::env::var(INITIALIZATION_TYPE).is_ok_and(|kind| kind == "provisioned-concurrency");
        ColdStart(AtomicBool::new(!provisioned))
    }

    /// Whether this invocation is the cold start (true once at most).
    pub(crate) fn take(&self) -> bool {
        self.0.swap(false, Ordering::Relaxed)
    }
}

/// The [`LambdaInvocation`] of the runtime's context.
pub(crate) fn invocation(context: &Context, cold_start: bool) -> LambdaInvocation {
    let config = &context.env_config;
    LambdaInvocation {
        request_id: context.request_id.clone(),
        function_name: config.function_name.clone(),
        function_version: config.version.clone(),
        function_arn: context.invoked_function_arn.clone(),
        memory_size_mb: u32::try_from(config.memory).unwrap_or_default(),
        xray_trace_header: context.xray_trace_id.clone(),
        deadline_ms: context.deadline,
        cold_start,
    }
}
