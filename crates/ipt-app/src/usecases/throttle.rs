//! The sign-in throttle: how many failed secret checks lock further tries, and for how long.
//! Staff sign-in and the portal's checks (invitation links, patient codes, the kiosk handback)
//! share it, each door keying its own kind of check. It lives in memory, per process: a
//! restart forgets it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed sign-in attempts per username and per address, in memory: five failures for one
/// username from one address, or twenty from one address, within the window lock further tries
/// until the oldest failure leaves the window.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Throttle {
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);
    const PER_USER: usize = 5;
    const PER_ADDRESS: usize = 20;

    fn keys(username: &str, ip: IpAddr) -> [String; 2] {
        [
            format!("u:{}:{ip}", username.trim().to_ascii_lowercase()),
            format!("a:{ip}"),
        ]
    }

    /// If locked, how long until the next try is allowed.
    pub fn locked_for(&self, username: &str, ip: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let mut map = self.failures.lock().expect("throttle lock");
        let [user_key, ip_key] = Self::keys(username, ip);
        let mut wait = None;
        for (key, limit) in [(user_key, Self::PER_USER), (ip_key, Self::PER_ADDRESS)] {
            let list = map.entry(key).or_default();
            list.retain(|t| now.duration_since(*t) < Self::WINDOW);
            if list.len() >= limit {
                let oldest = list[0];
                let w = Self::WINDOW.saturating_sub(now.duration_since(oldest));
                wait = Some(wait.map_or(w, |x: Duration| x.max(w)));
            }
        }
        wait
    }

    pub fn fail(&self, username: &str, ip: IpAddr) {
        let mut map = self.failures.lock().expect("throttle lock");
        for key in Self::keys(username, ip) {
            map.entry(key).or_default().push(Instant::now());
        }
    }

    pub fn succeed(&self, username: &str, ip: IpAddr) {
        let mut map = self.failures.lock().expect("throttle lock");
        map.remove(&Self::keys(username, ip)[0]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_one_username_but_not_another() {
        let t = Throttle::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..5 {
            assert!(t.locked_for("anna", ip).is_none());
            t.fail("anna", ip);
        }
        assert!(t.locked_for("Anna", ip).is_some());
        assert!(t.locked_for("bruno", ip).is_none());
    }
}
