//! How the X-Ray layer is set up.

use super::XrayError;
use super::daemon::DaemonAddress;

/// The environment variable the Lambda runtime sets to the function's name; its
/// presence means the process runs on Lambda.
pub const LAMBDA_FUNCTION_NAME_ENV: &str = "AWS_LAMBDA_FUNCTION_NAME";

/// How many requests' documents may wait for the sending thread before new ones are
/// dropped.
const DEFAULT_QUEUE_CAPACITY: usize = 1024;

/// The configuration of [`layer`](super::layer).
#[derive(Debug, Clone)]
pub struct XrayConfig {
    pub(super) service_name: String,
    pub(super) daemon: DaemonAddress,
    pub(super) on_lambda: bool,
    pub(super) origin: Option<String>,
    pub(super) queue_capacity: usize,
}

impl XrayConfig {
    /// A configuration for this service (the segments' name), sending to the daemon
    /// at `127.0.0.1:2000`, not on Lambda, with a queue of 1024 requests.
    pub fn new(service_name: impl Into<String>) -> Self {
        XrayConfig {
            service_name: service_name.into(),
            daemon: DaemonAddress::default(),
            on_lambda: false,
            origin: None,
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
        }
    }

    /// A configuration for this service from the environment: the daemon from
    /// `AWS_XRAY_DAEMON_ADDRESS`, Lambda mode when `AWS_LAMBDA_FUNCTION_NAME` is set.
    pub fn from_env(service_name: impl Into<String>) -> Result<Self, XrayError> {
        Ok(XrayConfig::new(service_name)
            .daemon_address(DaemonAddress::from_env()?)
            .on_lambda(std::env::var_os(LAMBDA_FUNCTION_NAME_ENV).is_some()))
    }

    /// Sends to this daemon.
    pub fn daemon_address(mut self, daemon: DaemonAddress) -> Self {
        self.daemon = daemon;
        self
    }

    /// Whether the process runs on Lambda, where Lambda writes the invocation's
    /// segment and each request becomes a subsegment of it. Requests whose span
    /// records `function_request_id` are treated so either way.
    pub fn on_lambda(mut self, on_lambda: bool) -> Self {
        self.on_lambda = on_lambda;
        self
    }

    /// The segments' `origin` off Lambda, such as `AWS::ECS::Container` or
    /// `AWS::EC2::Instance` (none by default: the layer cannot tell).
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }

    /// How many requests' documents may wait to be sent; more are dropped (and
    /// counted by [`XrayHandle::dropped`](super::XrayHandle::dropped)).
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity;
        self
    }
}
