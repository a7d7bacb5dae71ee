//! Setting up X-Ray tracing, as book/src/tracing.md shows it.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: setup
    use oapi_gen_server_runtime::xray::{self, XrayConfig};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    // The daemon address from AWS_XRAY_DAEMON_ADDRESS (default 127.0.0.1:2000),
    // Lambda mode when AWS_LAMBDA_FUNCTION_NAME is set.
    let (xray_layer, xray) = xray::layer(XrayConfig::from_env("items-service")?)?;
    tracing_subscriber::registry()
        .with(xray_layer)
        // .with(your logging layer) …
        .init();

    // On Lambda, after each response, before the process may be frozen:
    xray.flush(std::time::Duration::from_millis(200));
    // ANCHOR_END: setup
    Ok(())
}
