//! E-mail alerts (`smtp_alert`): on each state change of an instance or sync group that
//! alerts, one message to the `notification_email` recipients through `smtp_server`, as
//! keepalived 2.2.7 sends it (core/smtp.c, vrrp/vrrp_notify.c): HELO (the `smtp_helo_name`,
//! else `localhost`), MAIL FROM, one RCPT TO per recipient, DATA with the Date, From,
//! Subject (`[ROUTER_ID] VRRP Instance VI_1 - Entering MASTER state`), X-Mailer and To
//! headers and keepalived's one-line body, QUIT.
//!
//! Each message is sent by a thread of its own with the connect timeout on every step, so a
//! slow or dead relay never holds up the VRRP loop. The conversation itself is pure
//! ([`conversation`]) and tested without a network.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;
use tracing::{info, warn};
use vigil_plan::Smtp;

/// One alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub subject: String,
    pub body: String,
}

/// keepalived's subject and body for an instance (`group` false) or sync group entering
/// `state` (`MASTER`, `BACKUP`, `FAULT`, `STOP`).
pub fn alert(router_id: &str, group: bool, name: &str, state: &str) -> Alert {
    let (what, body) = match state {
        "MASTER" => ("Entering MASTER state", "=> VRRP Instance is now owning VRRP VIPs <="),
        "BACKUP" => (
            "Entering BACKUP state",
            "=> VRRP Instance is no longer owning VRRP VIPs <=",
        ),
        "FAULT" => (
            "Entering FAULT state",
            "=> VRRP Instance is no longer owning VRRP VIPs <=",
        ),
        "DELETED" => ("Deleted", "=> VRRP Deleted at reload <="),
        _ => ("Stopping", "=> VRRP Instance stopping <="),
    };
    let (kind, body) = if group {
        let body = match state {
            "MASTER" | "BACKUP" | "FAULT" => format!("=> All VRRP group instances are now in {state} state <="),
            _ => "=> All VRRP group instances are now stopping <=".to_string(),
        };
        ("VRRP Group", body)
    } else {
        ("VRRP Instance", body.to_string())
    };
    Alert {
        subject: format!("[{router_id}] {kind} {name} - {what}"),
        body,
    }
}

/// What is sent, in order, each to be answered by the relay before the next (the last,
/// QUIT, is not waited for). `date` is RFC 2822 (`Mon, 01 Mar 2021 09:44:08 +0000`).
pub fn conversation(smtp: &Smtp, from: &str, date: &str, a: &Alert) -> Vec<String> {
    let mut out = vec![format!("HELO {}\r\n", smtp.helo_name.as_deref().unwrap_or("localhost"))];
    out.push(format!("MAIL FROM:<{from}>\r\n"));
    for to in &smtp.to {
        out.push(format!("RCPT TO:<{to}>\r\n"));
    }
    out.push("DATA\r\n".to_string());
    out.push(format!(
        "Date: {date}\r\nFrom: {from}\r\nSubject: {}\r\nX-Mailer: Keepalived\r\nTo: {}\r\n\r\n{}\r\n\r\n.\r\n",
        a.subject,
        smtp.to.join(", "),
        a.body
    ));
    out.push("QUIT\r\n".to_string());
    out
}

/// The host name, keepalived's default router_id and the domain of its default sender.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

/// keepalived's default sender: the user it runs as at the host name.
pub fn default_from() -> String {
    let user = nix::unistd::User::from_uid(nix::unistd::getuid())
        .ok()
        .flatten()
        .map_or_else(|| "root".to_string(), |u| u.name);
    format!("{user}@{}", hostname())
}

/// Sends `a` in the background; the outcome is logged.
pub fn send(smtp: &Smtp, from: String, a: Alert) {
    let smtp = smtp.clone();
    let spawned = std::thread::Builder::new().name("smtp".into()).spawn(move || {
        let date = rfc2822_now();
        match talk(&smtp, &conversation(&smtp, &from, &date, &a)) {
            Ok(()) => info!(subject = %a.subject, server = %smtp.server, "e-mail alert sent"),
            Err(e) => warn!(subject = %a.subject, server = %smtp.server, "e-mail alert not sent: {e}"),
        }
    });
    if let Err(e) = spawned {
        warn!("cannot start the e-mail alert: {e}");
    }
}

fn talk(smtp: &Smtp, lines: &[String]) -> Result<(), String> {
    let timeout = Duration::from_millis(smtp.connect_timeout_ms.max(1));
    let addr = (smtp.server.as_str(), smtp.port)
        .to_socket_addrs()
        .map_err(|e| format!("resolving {}: {e}", smtp.server))?
        .next()
        .ok_or_else(|| format!("{} has no address", smtp.server))?;
    let stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| format!("connecting: {e}"))?;
    stream.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let mut w = stream.try_clone().map_err(|e| e.to_string())?;
    let mut r = BufReader::new(stream);
    let expect = |r: &mut BufReader<TcpStream>, ok: &[u8]| -> Result<(), String> {
        // A reply may have continuation lines (`250-...`); the last has a space.
        loop {
            let mut line = String::new();
            r.read_line(&mut line).map_err(|e| format!("reading the reply: {e}"))?;
            if line.is_empty() {
                return Err("the relay closed the connection".into());
            }
            let b = line.as_bytes();
            if b.len() >= 4 && b[3] == b'-' {
                continue;
            }
            return if ok.iter().any(|c| b.first() == Some(c)) {
                Ok(())
            } else {
                Err(format!("the relay answered {}", line.trim_end()))
            };
        }
    };
    expect(&mut r, b"2")?;
    for (i, l) in lines.iter().enumerate() {
        w.write_all(l.as_bytes()).map_err(|e| format!("sending: {e}"))?;
        if i + 1 == lines.len() {
            break; // QUIT: not waited for
        }
        // DATA is answered 354; everything else 2xx.
        expect(&mut r, if l == "DATA\r\n" { b"3" } else { b"2" })?;
    }
    Ok(())
}

/// Now, in RFC 2822 form (UTC).
fn rfc2822_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc2822(secs)
}

/// `secs` since the epoch as `Thu, 03 Dec 2026 07:44:08 +0000`.
pub fn rfc2822(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let name = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(month - 1) as usize];
    format!(
        "{weekday}, {day:02} {name} {year} {:02}:{:02}:{:02} +0000",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp() -> Smtp {
        Smtp {
            server: "192.0.2.25".into(),
            port: 25,
            helo_name: None,
            connect_timeout_ms: 30_000,
            from: None,
            to: vec!["ops@example.com".into(), "noc@example.com".into()],
        }
    }

    #[test]
    fn the_conversation_is_keepalived_s() {
        let a = alert("lb1", false, "VI_1", "MASTER");
        assert_eq!(a.subject, "[lb1] VRRP Instance VI_1 - Entering MASTER state");
        assert_eq!(a.body, "=> VRRP Instance is now owning VRRP VIPs <=");
        let c = conversation(&smtp(), "keepalived@lb1", "Thu, 03 Dec 2026 07:44:08 +0000", &a);
        assert_eq!(c[0], "HELO localhost\r\n");
        assert_eq!(c[1], "MAIL FROM:<keepalived@lb1>\r\n");
        assert_eq!(c[2], "RCPT TO:<ops@example.com>\r\n");
        assert_eq!(c[3], "RCPT TO:<noc@example.com>\r\n");
        assert_eq!(c[4], "DATA\r\n");
        assert_eq!(
            c[5],
            "Date: Thu, 03 Dec 2026 07:44:08 +0000\r\nFrom: keepalived@lb1\r\nSubject: [lb1] VRRP Instance VI_1 - Entering MASTER state\r\nX-Mailer: Keepalived\r\nTo: ops@example.com, noc@example.com\r\n\r\n=> VRRP Instance is now owning VRRP VIPs <=\r\n\r\n.\r\n"
        );
        assert_eq!(c[6], "QUIT\r\n");
        let g = alert("lb1", true, "G", "FAULT");
        assert_eq!(g.subject, "[lb1] VRRP Group G - Entering FAULT state");
        assert_eq!(g.body, "=> All VRRP group instances are now in FAULT state <=");
        assert_eq!(
            alert("lb1", false, "VI_1", "STOP").subject,
            "[lb1] VRRP Instance VI_1 - Stopping"
        );
    }

    #[test]
    fn dates_are_rfc2822() {
        assert_eq!(rfc2822(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(rfc2822(951_782_400), "Tue, 29 Feb 2000 00:00:00 +0000");
        assert_eq!(rfc2822(1_796_283_848), "Thu, 03 Dec 2026 07:44:08 +0000");
    }

    #[test]
    fn a_relay_that_refuses_or_is_absent_is_an_error_not_a_hang() {
        // Nothing listens on this port of loopback: refused at once.
        let mut s = smtp();
        s.server = "127.0.0.1".into();
        s.port = 9;
        s.connect_timeout_ms = 500;
        assert!(talk(&s, &conversation(&s, "a@b", "d", &alert("x", false, "V", "MASTER"))).is_err());
        // A relay that answers 554 to HELO.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        s.port = l.local_addr().unwrap().port();
        let srv = std::thread::spawn(move || {
            let (mut c, _) = l.accept().unwrap();
            c.write_all(b"220 hi\r\n").unwrap();
            let mut r = BufReader::new(c.try_clone().unwrap());
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            c.write_all(b"554 no\r\n").unwrap();
            line
        });
        let e = talk(&s, &conversation(&s, "a@b", "d", &alert("x", false, "V", "MASTER"))).unwrap_err();
        assert!(e.contains("554"), "{e}");
        assert_eq!(srv.join().unwrap(), "HELO localhost\r\n");
    }
}
