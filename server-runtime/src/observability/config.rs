//! Observability settings: from Powertools' environment variables or built in code.

use tracing::Level;

use super::Writer;

/// The service name when `POWERTOOLS_SERVICE_NAME` is not set (as in Powertools).
pub const DEFAULT_SERVICE: &str = "service_undefined";

/// The metrics namespace when `POWERTOOLS_METRICS_NAMESPACE` is not set (as in AWS's
/// EMF client libraries).
pub const DEFAULT_NAMESPACE: &str = "aws-embedded-metrics";

/// Observability settings shared by the log layer ([`init`](super::init)) and the
/// request layer ([`layer`](super::layer)).
///
/// Build it with [`Config::from_env`] in a service, or from [`Config::default`] and
/// field updates in tests (which then never read the process environment).
#[derive(Debug, Clone)]
pub struct Config {
    /// The `service` key of every log line and the `service` metric dimension.
    pub service: String,
    /// The CloudWatch namespace of the metrics.
    pub namespace: String,
    /// The most verbose level logged (events below it cost next to nothing).
    pub log_level: Level,
    /// Whether requests without trace context start a new X-Ray trace (so
    /// `xray_trace_id` is always known).
    pub tracing: bool,
    /// Whether metrics are written at all.
    pub metrics: bool,
    /// Where log lines and metric documents go.
    pub writer: Writer,
}

impl Default for Config {
    /// Service `service_undefined`, namespace `aws-embedded-metrics`, level INFO, no
    /// tracing, metrics on, stdout.
    fn default() -> Self {
        Config {
            service: DEFAULT_SERVICE.to_owned(),
            namespace: DEFAULT_NAMESPACE.to_owned(),
            log_level: Level::INFO,
            tracing: false,
            metrics: true,
            writer: Writer::stdout(),
        }
    }
}

impl Config {
    /// The settings in the process environment; see [`Config::from_lookup`].
    pub fn from_env() -> Self {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings in environment variables read through `var`:
    ///
    /// - `POWERTOOLS_SERVICE_NAME`: the service (default `service_undefined`);
    /// - `POWERTOOLS_METRICS_NAMESPACE`: the namespace (default `aws-embedded-metrics`);
    /// - `POWERTOOLS_LOG_LEVEL`, else `LOG_LEVEL`: `DEBUG`, `INFO`, `WARN`/`WARNING`,
    ///   `ERROR` in any case (default, and for anything else, INFO);
    /// - tracing when `AWS_XRAY_DAEMON_ADDRESS` or `AWS_LAMBDA_FUNCTION_NAME` is set,
    ///   unless `POWERTOOLS_TRACE_DISABLED` is `true`;
    /// - metrics on Lambda (`AWS_LAMBDA_FUNCTION_NAME` set) or when a namespace is
    ///   set, where something collects them from stdout, unless
    ///   `POWERTOOLS_METRICS_DISABLED` is `true`: a service run locally writes no
    ///   EMF documents between its log lines.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| var(name).is_some_and(|value| !value.is_empty());
        let is_true =
            |name: &str| var(name).is_some_and(|value| value.eq_ignore_ascii_case("true"));
        let non_empty = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        Config {
            service: non_empty("POWERTOOLS_SERVICE_NAME")
                .unwrap_or_else(|| DEFAULT_SERVICE.to_owned()),
            namespace: non_empty("POWERTOOLS_METRICS_NAMESPACE")
                .unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned()),
            log_level: non_empty("POWERTOOLS_LOG_LEVEL")
                .or_else(|| non_empty("LOG_LEVEL"))
                .and_then(|level| parse_level(&level))
                .unwrap_or(Level::INFO),
            tracing: (set("AWS_XRAY_DAEMON_ADDRESS") || set("AWS_LAMBDA_FUNCTION_NAME"))
                && !is_true("POWERTOOLS_TRACE_DISABLED"),
            metrics: (set("AWS_LAMBDA_FUNCTION_NAME") || set("POWERTOOLS_METRICS_NAMESPACE"))
                && !is_true("POWERTOOLS_METRICS_DISABLED"),
            writer: Writer::stdout(),
        }
    }
}

/// A Powertools log level name, in any case.
fn parse_level(name: &str) -> Option<Level> {
    match name.trim().to_ascii_uppercase().as_str() {
        "TRACE" => Some(Level::TRACE),
        "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARN" | "WARNING" => Some(Level::WARN),
        "ERROR" | "CRITICAL" => Some(Level::ERROR),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Config {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn defaults_are_powertools_defaults() {
        let config = from(&[]);
        assert_eq!(config.service, "service_undefined");
        assert_eq!(config.namespace, "aws-embedded-metrics");
        assert_eq!(config.log_level, Level::INFO);
        assert!(!config.tracing);
        assert!(!config.metrics, "no EMF off Lambda without a namespace");
    }

    #[test]
    fn metrics_follow_lambda_or_a_namespace_unless_disabled() {
        assert!(from(&[("AWS_LAMBDA_FUNCTION_NAME", "items-fn")]).metrics);
        assert!(from(&[("POWERTOOLS_METRICS_NAMESPACE", "Shop")]).metrics);
        let disabled = from(&[
            ("POWERTOOLS_METRICS_NAMESPACE", "Shop"),
            ("POWERTOOLS_METRICS_DISABLED", "true"),
        ]);
        assert!(!disabled.metrics);
    }

    #[test]
    fn variables_set_every_field() {
        let config = from(&[
            ("POWERTOOLS_SERVICE_NAME", "items"),
            ("POWERTOOLS_METRICS_NAMESPACE", "Shop"),
            ("LOG_LEVEL", "error"),
            ("POWERTOOLS_LOG_LEVEL", "Warning"),
            ("AWS_LAMBDA_FUNCTION_NAME", "items-fn"),
            ("POWERTOOLS_METRICS_DISABLED", "TRUE"),
        ]);
        assert_eq!(config.service, "items");
        assert_eq!(config.namespace, "Shop");
        assert_eq!(config.log_level, Level::WARN);
        assert!(config.tracing);
        assert!(!config.metrics);
        assert_eq!(from(&[("LOG_LEVEL", "debug")]).log_level, Level::DEBUG);
        assert_eq!(from(&[("LOG_LEVEL", "loud")]).log_level, Level::INFO);
    }

    #[test]
    fn tracing_follows_xray_and_lambda_unless_disabled() {
        assert!(from(&[("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:2000")]).tracing);
        let disabled = from(&[
            ("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:2000"),
            ("POWERTOOLS_TRACE_DISABLED", "true"),
        ]);
        assert!(!disabled.tracing);
    }
}
