//! Which connection a message leaves by: each carrier (by code) has a connector in the
//! settings, and carriers without one, or unknown destinations, take the default.

use std::collections::HashMap;
use std::sync::Arc;

use super::connectors::Connector;
use super::outbound::OutboundQueue;
use crate::config::CarrierSettings;

/// One carrier connection and the messages waiting for it.
pub struct Lane {
    pub connector: Arc<dyn Connector>,
    pub queue: Arc<OutboundQueue>,
}

/// Every lane, and the carrier-to-connector routes.
pub struct CarrierRouter {
    lanes: HashMap<String, Lane>,
    routes: HashMap<String, String>,
    default_connector: String,
}

impl CarrierRouter {
    /// `connectors` holds one connector per name the settings use (validated at load).
    pub fn new(settings: &CarrierSettings, connectors: Vec<Arc<dyn Connector>>) -> Self {
        let lanes = connectors
            .into_iter()
            .map(|connector| {
                let lane = Lane {
                    connector: Arc::clone(&connector),
                    queue: Arc::default(),
                };
                (connector.name().to_owned(), lane)
            })
            .collect();
        Self {
            lanes,
            routes: settings
                .routes
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            default_connector: settings.default_connector.clone(),
        }
    }

    /// The connector name for a carrier code (`None`: the destination's carrier is unknown).
    pub fn connector_for(&self, carrier_code: Option<&str>) -> &str {
        carrier_code
            .and_then(|code| self.routes.get(code))
            .filter(|name| self.lanes.contains_key(name.as_str()))
            .unwrap_or(&self.default_connector)
    }

    /// The lane for a carrier code.
    pub fn lane_for(&self, carrier_code: Option<&str>) -> Option<&Lane> {
        self.lanes.get(self.connector_for(carrier_code))
    }

    pub fn lane(&self, connector: &str) -> Option<&Lane> {
        self.lanes.get(connector)
    }

    pub fn lanes(&self) -> impl Iterator<Item = &Lane> {
        self.lanes.values()
    }

    /// Takes a waiting message out of whichever queue holds it; false when none does.
    pub fn cancel(&self, message_id: &str) -> bool {
        self.lanes
            .values()
            .any(|lane| lane.queue.cancel(message_id))
    }
}
