//! Layer 3: the wire. Provider fixtures fed whole, byte by byte and split at every offset.

mod fixtures;
mod images;
mod reasoning;
mod token_counts;

/// An endpoint for building requests (nothing is sent).
pub fn endpoint(
    id: &str,
    protocol: keyturn::providers::Protocol,
    base_url: &str,
    api: keyturn::providers::Api,
) -> keyturn::providers::Endpoint {
    keyturn::providers::Endpoint {
        id: id.into(),
        name: id.into(),
        protocol,
        base_url: base_url.into(),
        extra_headers: Vec::new(),
        cache: Default::default(),
        api,
    }
}
