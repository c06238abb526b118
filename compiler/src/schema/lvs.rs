//! The LVS / IPVS half of the language: the `SSL` block and the body of `virtual_server`, with
//! its `real_server` blocks and their health checkers. (`virtual_server_group` is a value block
//! and lives in the root table.)
//!
//! Keywords shared by several checkers are `const`s, and blocks with identical content share one
//! table: `TCP_CHECK`, `PING_CHECK` and the deprecated `SMTP_CHECK/host` all use [`CONNECT_CHECK`].

use super::t::*;

// ---------------------------------------------------------------------------------------------
// Argument types used only here.

/// A timer that must be positive (`delay_loop`): at least one microsecond. keepalived 2.2.7
/// reads it into an unsigned long of microseconds: `keepalived -t` reports the range
/// `[0.000001, 18446744073709.551614]`.
const TIMER_POS: Ty = Secs {
    min_us: 1,
    max_us: u64::MAX - 1,
};
/// `connect_timeout`: keepalived reads it as microseconds into an unsigned int, so 1 µs to
/// 4294.967295 s.
const CONN_TIMEOUT: Ty = Secs {
    min_us: 1,
    max_us: u32::MAX as u64,
};
/// A port where 0 is refused (`connect_port`, `bind_port`).
const PORT_NZ: Ty = Uint { min: 1, max: 65535 };
/// `retry` on a virtual or real server: zero is refused there (checkers accept it).
const RETRY_SVR: Ty = Uint {
    min: 1,
    max: u32::MAX as u64,
};
/// IPVS weights are signed 32-bit in the kernel.
const WEIGHT_MAX: u64 = i32::MAX as u64;
/// Schedulers keepalived accepts for `lb_algo` / `lvs_sched`.
const SCHEDULERS: &[&str] = &[
    "rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr", "sed", "nq", "twos",
];
/// `NAT|DR|TUN`, then for TUN the options `type ipip|gue|gre`, `port N`, `nocsum|csum|remcsum`.
const FORWARDING: &[Ty] = &[Enum(&["NAT", "DR", "TUN"]), Custom];
/// PCRE2 options accepted by `regex_options`.
const REGEX_OPTIONS: &[&str] = &[
    "allow_empty_class",
    "alt_bsux",
    "auto_callout",
    "caseless",
    "dollar_endonly",
    "dotall",
    "dupnames",
    "extended",
    "firstline",
    "match_unset_backref",
    "multiline",
    "never_ucp",
    "never_utf",
    "no_auto_capture",
    "no_auto_possess",
    "no_dotstar_anchor",
    "no_start_optimize",
    "ucp",
    "ungreedy",
    "utf",
    "never_backslash_c",
    "alt_circumflex",
    "alt_verbnames",
    "use_offset_limit",
];
/// DNS query types of `DNS_CHECK type`.
const DNS_TYPES: &[&str] = &["A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY"];

// ---------------------------------------------------------------------------------------------
// SSL { ... }

pub(crate) static SSL: &[Keyword] = &[
    kw("password").args(&[Word]).once(Once::KeepsLast).doc(
        "Passphrase that unlocks the private key given by `key`, needed only when that key file is encrypted. \
              It sits in clear text in the configuration, so keep the file readable by root only.",
    ),
    kw("ca").args(&[Path]).once(Once::KeepsLast).doc(
        "File of certificate-authority certificates (PEM) loaded into the TLS context that all SSL_GET \
              checks share. Without an SSL block keepalived builds a default context on its own.",
    ),
    kw("certificate").args(&[Path]).once(Once::KeepsLast).doc(
        "Client certificate file (PEM) that SSL_GET checks present to real servers asking for one. \
              Give the matching private key with `key`.",
    ),
    kw("key").args(&[Path]).once(Once::KeepsLast).doc(
        "Private key file (PEM) belonging to `certificate`. If the key is encrypted, supply its \
              passphrase with `password`.",
    ),
];

// ---------------------------------------------------------------------------------------------
// Keywords shared by the checkers.

const CONNECT_IP: Keyword = kw("connect_ip").args(&[Ip]).doc(
    "Address the check connects to instead of the real server's own address. It must be of the same \
     family as `bindto` when both are set; an IPv6 link-local address also needs `bind_if`.",
);
const CONNECT_PORT: Keyword = kw("connect_port").args(&[PORT_NZ]).doc(
    "Port the check connects to, 1 to 65535, instead of the real server's port. Useful when the health \
     endpoint listens on a different port from the balanced service.",
);
const BINDTO: Keyword = kw("bindto").args(&[Ip]).doc(
    "Local source address for the check's packets. It must be of the same address family as the \
     address being checked.",
);
const BIND_PORT: Keyword = kw("bind_port")
    .args(&[PORT_NZ])
    .doc("Local source port, 1 to 65535, for the check's connection or packets.");
const BIND_IF: Keyword = kw("bind_if").args(&[Iface]).doc(
    "Interface the check's packets leave by. Required when the checked address is an IPv6 link-local \
     one; without it keepalived drops the checker.",
);
const CONNECT_TIMEOUT: Keyword = kw("connect_timeout").args(&[CONN_TIMEOUT]).default("5").doc(
    "Seconds (decimals allowed) the check waits for the connection or reply before counting a failure. \
     Taken from the real server, then the virtual server, then 5 seconds.",
);
const FWMARK: Keyword = kw("fwmark").args(&[U32]).doc(
    "Firewall mark (SO_MARK) put on the check's packets, so policy routing or netfilter can treat \
     health-check traffic specially.",
);
const ALPHA: Keyword = kw("alpha").opt_args(0, OPT_BOOL).doc(
    "Start this check in the failed state, so the server only enters the pool after its first success. \
     Without an argument it means yes; the default comes from the real server.",
);
const LOG_ALL_FAILURES: Keyword = kw("log_all_failures").opt_args(0, OPT_BOOL).doc(
    "Log every failed attempt, not only the ones that change the server's state. Without an argument it \
     means yes.",
);
const WARMUP: Keyword = kw("warmup").args(&[SECS]).doc(
    "Upper bound in seconds of a random delay before the first check, spreading checks out at start-up. \
     Defaults to the check interval; 0 starts at once.",
);
const DELAY_LOOP: Keyword = kw("delay_loop").args(&[TIMER_POS]).default("60").doc(
    "Seconds between two checks of this server (decimals allowed, must be above 0). Taken from the real \
     server, then the virtual server, then 60 seconds.",
);
const RETRY_DOC: &str = "How many more times a failing check is repeated before the server is declared \
     down; 0 gives up at once. Taken from the real server, then the virtual server, then the checker's own \
     default.";
const RETRY_1: Keyword = kw("retry").args(&[U32]).default("1").doc(RETRY_DOC);
const RETRY_0: Keyword = kw("retry").args(&[U32]).default("0").doc(RETRY_DOC);
const RETRY_3: Keyword = kw("retry").args(&[U32]).default("3").doc(RETRY_DOC);
const DBR_DOC: &str = "Seconds to wait before repeating a failed check (decimals allowed). Taken from the real \
     server, then the virtual server, then the checker's own default.";
const DBR_1: Keyword = kw("delay_before_retry").args(&[SECS]).default("1").doc(DBR_DOC);
const DBR_3: Keyword = kw("delay_before_retry").args(&[SECS]).default("3").doc(DBR_DOC);
/// DNS_CHECK's fallback is its own delay_loop: no fixed default.
const DBR_LOOP: Keyword = kw("delay_before_retry").args(&[SECS]).doc(DBR_DOC);

/// TCP_CHECK, PING_CHECK and the deprecated SMTP_CHECK `host` block: connection options only.
pub(crate) static CONNECT_CHECK: &[Keyword] = &[
    CONNECT_IP,
    CONNECT_PORT,
    BINDTO,
    BIND_PORT,
    BIND_IF,
    CONNECT_TIMEOUT,
    FWMARK,
    RETRY_1,
    DBR_1,
    WARMUP,
    DELAY_LOOP,
    ALPHA,
    LOG_ALL_FAILURES,
];

// ---------------------------------------------------------------------------------------------
// MISC_CHECK { ... }

pub(crate) static MISC_CHECK: &[Keyword] = &[
    RETRY_0,
    DBR_1,
    WARMUP,
    DELAY_LOOP,
    ALPHA,
    LOG_ALL_FAILURES,
    kw("misc_path").args(&[Script]).variadic().mandatory().doc(
        "Program to run as the check, with its arguments; quote it to keep spaces. Exit status 0 means up, \
         anything else down (see misc_dynamic). Required: a MISC_CHECK without it is dropped.",
    ),
    kw("misc_timeout").args(&[Uint { min: 0, max: 4294 }]).doc(
        "Whole seconds the program may run before it is killed and the check counts as failed. Defaults to \
         the check interval.",
    ),
    kw("misc_dynamic").doc(
        "Let the program's exit status set the server's weight: 0 is up, 1 is down, and 2 to 255 is up with \
         weight status minus 2. Use at most one dynamic MISC_CHECK per real server.",
    ),
    kw("user").args(&[User]).doc(
        "User, and optionally group, the check program runs as. Without it the global script_user setting \
         applies.",
    ),
];

// ---------------------------------------------------------------------------------------------
// SMTP_CHECK { ... }

pub(crate) static SMTP_CHECK: &[Keyword] = &[
    kw("helo_name").args(&[Word]).default("smtpchecker.keepalived.org").doc(
        "Name the check sends in its SMTP HELO greeting. Set it if the mail server refuses the default \
         smtpchecker.keepalived.org.",
    ),
    CONNECT_IP,
    CONNECT_PORT,
    BINDTO,
    BIND_PORT,
    BIND_IF,
    CONNECT_TIMEOUT,
    FWMARK,
    RETRY_1,
    DBR_1,
    WARMUP,
    DELAY_LOOP,
    ALPHA,
    LOG_ALL_FAILURES,
    kw("host").block(CONNECT_CHECK).deprecated("SMTP_CHECK").doc(
        "Old way of checking several SMTP addresses from one checker: each host block becomes its own \
         checker. Write one SMTP_CHECK block per address instead, with connect_ip and connect_port.",
    ),
];

// ---------------------------------------------------------------------------------------------
// UDP_CHECK { ... }

pub(crate) static UDP_CHECK: &[Keyword] = &[
    CONNECT_IP,
    CONNECT_PORT,
    BINDTO,
    BIND_PORT,
    BIND_IF,
    CONNECT_TIMEOUT,
    FWMARK,
    RETRY_1,
    DBR_1,
    WARMUP,
    DELAY_LOOP,
    ALPHA,
    LOG_ALL_FAILURES,
    kw("payload").args(&[Hex]).variadic().doc(
        "Bytes to send, in hexadecimal; spaces may separate bytes. Without it a random payload is sent. The \
         check fails on an ICMP unreachable, so allow time for ARP in connect_timeout.",
    ),
    kw("require_reply").opt_args(0, &[Hex]).variadic().doc(
        "Demand a UDP reply. With hexadecimal bytes, the reply must start with them; an x nibble matches \
         anything. Its length must also lie between min_reply_length and max_reply_length.",
    ),
    kw("min_reply_length")
        .args(&[Uint { min: 0, max: 65535 }])
        .default("0")
        .doc(
            "Shortest acceptable reply in bytes when require_reply is set. Must not exceed max_reply_length, or \
         the check can never succeed.",
        ),
    kw("max_reply_length")
        .args(&[Uint { min: 0, max: 65535 }])
        .default("255")
        .doc("Longest acceptable reply in bytes when require_reply is set. Longer replies count as failures."),
];

// ---------------------------------------------------------------------------------------------
// HTTP_GET / SSL_GET { ... } and their url blocks.

const PATH: Keyword = kw("path").args(&[Word]).mandatory().once(Once::KeepsLastSilently).doc(
    "Path (with any query string) requested from the real server, such as /health. Required: a url block \
     without it is dropped.",
);
const DIGEST: Keyword = kw("digest").args(&[Hex]).once(Once::KeepsFirst).doc(
    "MD5 of the expected response body as 32 hexadecimal digits; any other body fails the check. Compute it \
     with `keepalived --genhash`.",
);
const STATUS_CODE: Keyword = kw("status_code")
    .opt_args(0, &[Custom])
    .variadic()
    .default("200-299")
    .doc(
        "HTTP status codes counted as success: single codes or ranges such as 200 or 200-299 301, each within \
     100 to 599. When absent, any 2xx is accepted.",
    );
const URL_VIRTUALHOST: Keyword = kw("virtualhost").args(&[Word]).once(Once::KeepsLastSilently).doc(
    "Host header sent for this url, overriding the checker's, real server's and virtual server's \
     virtualhost. By default the server address is sent.",
);
const REGEX: Keyword = kw("regex").args(&[Word]).doc(
    "PCRE2 pattern the response body must match (quote it if it has spaces). A pattern that fails to \
     compile is only logged, not reported by a config test.",
);
const REGEX_NO_MATCH: Keyword =
    kw("regex_no_match").doc("Invert regex: the check fails when the body matches the pattern, and passes otherwise.");
const REGEX_OPTS: Keyword = kw("regex_options").args(&[Enum(REGEX_OPTIONS)]).variadic().doc(
    "PCRE2 compile options for regex, such as caseless or multiline, separated by spaces. keepalived \
     silently ignores words it does not know.",
);
const REGEX_MIN_OFFSET: Keyword = kw("regex_min_offset").args(&[Uint { min: 0, max: u64::MAX }]).doc(
    "Byte offset in the body where regex matching starts, to skip a long fixed prefix. Must be below \
     regex_max_offset.",
);
const REGEX_MAX_OFFSET: Keyword = kw("regex_max_offset").args(&[Uint { min: 0, max: u64::MAX }]).doc(
    "Last byte offset in the body at which a regex match may begin, so a large body need not be scanned in \
     full.",
);
const REGEX_STACK: Keyword = kw("regex_stack")
    .args(&[Uint { min: 0, max: u64::MAX }, Uint { min: 0, max: u64::MAX }])
    .doc(
        "Starting and maximum size in bytes of the PCRE2 JIT stack, for complex patterns that run out of stack. \
     The start must not exceed the maximum.",
    );
const TLS_COMPLIANT: Keyword = kw("tls_compliant").opt_args(0, OPT_BOOL).since(2, 3).doc(
    "Make the SSL_GET check handle the TLS session strictly by the TLS rules when talking to this server. \
     Without an argument it means yes; in the url block it applies to that url only.",
);

pub(crate) static HTTP_URL: &[Keyword] = &[
    PATH,
    DIGEST,
    STATUS_CODE,
    URL_VIRTUALHOST,
    REGEX,
    REGEX_NO_MATCH,
    REGEX_OPTS,
    REGEX_MIN_OFFSET,
    REGEX_MAX_OFFSET,
    REGEX_STACK,
];

pub(crate) static SSL_URL: &[Keyword] = &[
    PATH,
    DIGEST,
    STATUS_CODE,
    URL_VIRTUALHOST,
    REGEX,
    REGEX_NO_MATCH,
    REGEX_OPTS,
    REGEX_MIN_OFFSET,
    REGEX_MAX_OFFSET,
    REGEX_STACK,
    TLS_COMPLIANT,
];

const NB_GET_RETRY: Keyword = kw("nb_get_retry").args(&[U32]).deprecated("retry").doc(
    "Old name of retry for HTTP_GET and SSL_GET; keepalived still honours it but reports an error. Write \
     `retry N` instead.",
);
const HTTP_VIRTUALHOST: Keyword = kw("virtualhost").args(&[Word]).once(Once::KeepsLastSilently).doc(
    "Host header sent by this checker's requests unless a url sets its own; for SSL_GET it is also the \
     default SNI name. Overrides the real and virtual server's virtualhost.",
);
const HTTP_PROTOCOL: Keyword = kw("http_protocol")
    .args(&[Enum(&["1.0", "1.1", "1.0C", "1.0c"])])
    .default("1.0")
    .doc(
        "HTTP version of the request: 1.0, 1.1, or 1.0C, which is 1.0 plus a Connection: close header (1.1 \
         requests carry one anyway). Use 1.1 for servers that refuse HTTP/1.0.",
    );
const ENABLE_SNI: Keyword = kw("enable_sni").opt_args(0, OPT_BOOL).doc(
    "Send the virtualhost as Server Name Indication in the TLS handshake, for servers that pick the \
     certificate or site by name. Only matters for SSL_GET; no argument means yes.",
);
const SNI_NAME: Keyword = kw("sni_name").opt_args(0, &[Word]).since(2, 4).doc(
    "Name to send as Server Name Indication instead of the virtualhost, for when the TLS name and the Host \
     header must differ. Only matters for SSL_GET.",
);
const FAST_RECOVERY: Keyword = kw("fast_recovery").opt_args(0, OPT_BOOL).doc(
    "After start-up or a failure, check all urls back to back instead of one per check interval, so a \
     server with many urls returns to the pool sooner. No argument means yes.",
);

pub(crate) static HTTP_GET: &[Keyword] = &[
    CONNECT_IP,
    CONNECT_PORT,
    BINDTO,
    BIND_PORT,
    BIND_IF,
    CONNECT_TIMEOUT,
    FWMARK,
    RETRY_1,
    DBR_3,
    WARMUP,
    DELAY_LOOP,
    ALPHA,
    LOG_ALL_FAILURES,
    NB_GET_RETRY,
    HTTP_VIRTUALHOST,
    HTTP_PROTOCOL,
    ENABLE_SNI,
    SNI_NAME,
    FAST_RECOVERY,
    kw("url").block(HTTP_URL).mandatory().doc(
        "One page to fetch and judge; repeat the block for several pages, all of which must pass. A checker \
         without any url is dropped.",
    ),
];

pub(crate) static SSL_GET: &[Keyword] = &[
    CONNECT_IP,
    CONNECT_PORT,
    BINDTO,
    BIND_PORT,
    BIND_IF,
    CONNECT_TIMEOUT,
    FWMARK,
    RETRY_1,
    DBR_3,
    WARMUP,
    DELAY_LOOP,
    ALPHA,
    LOG_ALL_FAILURES,
    NB_GET_RETRY,
    HTTP_VIRTUALHOST,
    HTTP_PROTOCOL,
    ENABLE_SNI,
    SNI_NAME,
    FAST_RECOVERY,
    TLS_COMPLIANT,
    kw("url").block(SSL_URL).mandatory().doc(
        "One page to fetch over TLS and judge; repeat the block for several pages, all of which must pass. A \
         checker without any url is dropped.",
    ),
];

// ---------------------------------------------------------------------------------------------
// DNS_CHECK, FILE_CHECK, BFD_CHECK.

pub(crate) static DNS_CHECK: &[Keyword] = &[
    CONNECT_IP,
    CONNECT_PORT,
    BINDTO,
    BIND_PORT,
    BIND_IF,
    CONNECT_TIMEOUT,
    FWMARK,
    RETRY_3,
    DBR_LOOP,
    WARMUP,
    DELAY_LOOP,
    ALPHA,
    LOG_ALL_FAILURES,
    kw("type").args(&[EnumNoCase(DNS_TYPES)]).default("SOA").doc(
        "Record type asked for over UDP: A, NS, CNAME, SOA, MX, TXT, AAAA, RRSIG or DNSKEY, in any case. The \
         server passes when it answers the query.",
    ),
    kw("name").args(&[Word]).default(".").doc(
        "Domain name queried, by default the root zone. Give it once per checker; empty labels such as a \
         double dot are refused.",
    ),
];

pub(crate) static FILE_CHECK: &[Keyword] = &[
    kw("track_file").args(&[Ref(TrackFile)]).mandatory().doc(
        "The track_file whose number drives this check; it must be defined earlier in the configuration. \
         Required: a FILE_CHECK without it is dropped.",
    ),
    kw("weight")
        .opt_args(
            1,
            &[
                Int {
                    min: -2147483647,
                    max: 2147483647,
                },
                Enum(&["reverse", "noreverse"]),
            ],
        )
        .doc(
            "Multiplier applied to the number read from the file to adjust the server's weight; reverse flips \
         the sign. Defaults to the track_file's own weight.",
        ),
];

pub(crate) static BFD_CHECK: &[Keyword] = &[
    kw("name").args(&[Ref(BfdInstance)]).mandatory().doc(
        "The bfd_instance whose session state marks this real server up or down. It must be defined earlier \
         and not already be tracked by the same server. Required: a BFD_CHECK without it is dropped.",
    ),
    kw("alpha")
        .opt_args(0, OPT_BOOL)
        .doc("Treat the server as down until the BFD session first comes up. Without an argument it means yes."),
];

// ---------------------------------------------------------------------------------------------
// real_server ADDR [PORT] { ... }

pub(crate) static REAL_SERVER: &[Keyword] = &[
    kw("weight")
        .args(&[Uint {
            min: 0,
            max: WEIGHT_MAX,
        }])
        .doc(
            "Relative share of new connections this server gets, 0 to 2147483647; 0 sends it none. Defaults to \
         the virtual server's weight, itself 1 by default.",
        ),
    kw("lvs_method").opt_args(1, FORWARDING).variadic().doc(
        "How IPVS forwards to this server: NAT, DR (direct routing) or TUN with optional type ipip|gue|gre, \
         port N and nocsum|csum|remcsum. Defaults to the virtual server's method.",
    ),
    kw("uthreshold").args(&[U32]).doc(
        "Upper connection limit: IPVS sends this server no new connections while it has more than this many. \
         0 means no limit.",
    ),
    kw("lthreshold").args(&[U32]).doc(
        "Lower connection mark: after reaching uthreshold, the server gets new connections again once it \
         falls below this many.",
    ),
    kw("inhibit_on_failure").opt_args(0, OPT_BOOL).doc(
        "When checks fail, set this server's weight to 0 instead of removing it, so existing connections \
         finish. Without an argument it means yes; defaults to the virtual server's setting.",
    ),
    kw("notify_up").opt_args(1, &[Script, User]).doc(
        "Command run when the checks bring this server up, optionally as a given user and group. Only one \
         may be given; later ones are ignored.",
    ),
    kw("notify_down").opt_args(1, &[Script, User]).doc(
        "Command run when the checks take this server down, optionally as a given user and group. Only one \
         may be given; later ones are ignored.",
    ),
    kw("alpha").opt_args(0, OPT_BOOL).doc(
        "Start this server's checks in the failed state, so it joins the pool only after passing. Without an \
         argument it means yes; checkers inherit it.",
    ),
    kw("retry").args(&[RETRY_SVR]).doc(
        "Default number of retries for this server's checkers, 1 or more. Each checker may override it; \
         otherwise the virtual server's value or the checker's own default applies.",
    ),
    kw("delay_before_retry").args(&[SECS]).doc(
        "Default seconds between retries for this server's checkers (decimals allowed). Each checker may \
         override it.",
    ),
    kw("warmup").args(&[SECS]).doc(
        "Default maximum random delay in seconds before this server's first checks, spreading them out. 0 \
         disables it; checkers may override it.",
    ),
    kw("connect_timeout").args(&[CONN_TIMEOUT]).doc(
        "Default connection timeout in seconds for this server's checkers (decimals allowed). Falls back to \
         the virtual server's value, then 5 seconds.",
    ),
    kw("delay_loop").args(&[TIMER_POS]).doc(
        "Default seconds between checks for this server's checkers (decimals allowed, above 0). Falls back to \
         the virtual server's value, then 60 seconds.",
    ),
    kw("smtp_alert").opt_args(0, OPT_BOOL).doc(
        "Send an e-mail (to global_defs' notification_email) when this server goes up or down. Unless the \
         global smtp_alert settings say otherwise, real servers alert by default.",
    ),
    kw("virtualhost").args(&[Word]).doc(
        "Default Host header for this server's HTTP_GET and SSL_GET checks, overriding the virtual server's \
         virtualhost. A checker or url may override it.",
    ),
    kw("snmp_name").args(&[Word]).doc(
        "Label reported for this real server in keepalived's SNMP data, to tell servers apart when reading \
         SNMP output. Takes exactly one word.",
    ),
    kw("MISC_CHECK").block(MISC_CHECK).doc(
        "Health check that runs a program of your own and judges the server by its exit status. Any number \
         of checkers may be given; all must pass.",
    ),
    kw("SMTP_CHECK").block(SMTP_CHECK).doc(
        "Health check that connects to an SMTP server and expects a normal greeting and reply to HELO. Any \
         number of checkers may be given; all must pass.",
    ),
    kw("TCP_CHECK").block(CONNECT_CHECK).doc(
        "Health check that only opens a TCP connection to the server and closes it. Any number of checkers \
         may be given; all must pass.",
    ),
    kw("PING_CHECK").block(CONNECT_CHECK).doc(
        "Health check that sends ICMP echo requests to the server. keepalived may widen \
         net.ipv4.ping_group_range so it can use unprivileged ICMP sockets.",
    ),
    kw("UDP_CHECK").block(UDP_CHECK).doc(
        "Health check that sends a UDP datagram and fails on an ICMP error, or when require_reply is set, on \
         a missing or wrong reply.",
    ),
    kw("HTTP_GET").block(HTTP_GET).doc(
        "Health check that fetches one or more urls over plain HTTP and judges status code, body digest or \
         regex. Needs at least one url block.",
    ),
    kw("SSL_GET").block(SSL_GET).doc(
        "Health check like HTTP_GET but over TLS. The global SSL block supplies a CA file, client certificate \
         and key when the servers need them.",
    ),
    kw("DNS_CHECK").block(DNS_CHECK).doc(
        "Health check that sends a DNS query over UDP and expects an answer. Its retry default is 3 and its \
         retry delay defaults to the check interval.",
    ),
    kw("FILE_CHECK").block(FILE_CHECK).doc(
        "Health check driven by the number another program writes to a track_file; scaled by weight, the \
         value adjusts the real server's weight or takes it out of service.",
    ),
    kw("BFD_CHECK")
        .block(BFD_CHECK)
        .doc("Health check that follows the state of a BFD session to the server, defined by a bfd_instance block."),
];

// ---------------------------------------------------------------------------------------------
// virtual_server ADDR [PORT] | fwmark N | group NAME { ... }

pub(crate) static VIRTUAL_SERVER: &[Keyword] = &[
    kw("ip_family").args(&[Enum(&["inet", "inet6"])]).doc(
        "Address family of a fwmark service whose real servers are all tunnelled, where keepalived cannot \
         deduce it: inet or inet6. It must agree with any family already known.",
    ),
    kw("retry").args(&[RETRY_SVR]).doc(
        "Default number of retries, 1 or more, for checkers of this service's real servers. Each checker \
         falls back to its own default (mostly 1) when neither server sets it.",
    ),
    kw("delay_before_retry").args(&[SECS]).doc(
        "Default seconds between retries for this service's checkers (decimals allowed). Checkers fall back \
         to 3 seconds for HTTP_GET/SSL_GET, the check interval for DNS_CHECK, 1 otherwise.",
    ),
    kw("warmup").args(&[SECS]).doc(
        "Default maximum random delay in seconds before the first check of each real server, spreading \
         checks out. Defaults to the check interval; 0 disables it.",
    ),
    kw("connect_timeout").args(&[CONN_TIMEOUT]).default("5").doc(
        "Default connection timeout in seconds for this service's checkers (decimals allowed, up to about \
         4295). Real servers and checkers may override it.",
    ),
    kw("delay_loop").args(&[TIMER_POS]).default("60").doc(
        "Default seconds between two checks of each real server (decimals allowed, above 0). Real servers \
         and checkers may override it.",
    ),
    kw("inhibit_on_failure").doc(
        "Default for real servers: on failure set the weight to 0 instead of removing the server, so \
         established connections can finish.",
    ),
    kw("lb_algo").args(&[Enum(SCHEDULERS)]).doc(
        "IPVS scheduler: rr, wrr, lc, wlc, lblc, lblcr, sh, mh, dh, fo, ovf, sed, nq or twos. Same as \
         lvs_sched. When absent keepalived reports an error and uses wlc.",
    ),
    kw("lvs_sched").args(&[Enum(SCHEDULERS)]).doc(
        "IPVS scheduler: rr, wrr, lc, wlc, lblc, lblcr, sh, mh, dh, fo, ovf, sed, nq or twos. Same as \
         lb_algo. When absent keepalived reports an error and uses wlc.",
    ),
    kw("hashed").doc(
        "Accepted but has no effect, and keepalived even reports an error unless lb_algo sh or mh comes \
         before it. Use flag-1 to flag-3 and the sh-/mh- keywords for scheduler flags.",
    ),
    kw("ops").doc(
        "One-packet scheduling: schedule every UDP datagram on its own instead of by connection. Only valid \
         with protocol UDP; keepalived clears it otherwise.",
    ),
    kw("flag-1")
        .doc("Set scheduler flag 1 on the service, as ipvsadm's -b flag-1; its meaning depends on the scheduler."),
    kw("flag-2")
        .doc("Set scheduler flag 2 on the service, as ipvsadm's -b flag-2; its meaning depends on the scheduler."),
    kw("flag-3")
        .doc("Set scheduler flag 3 on the service, as ipvsadm's -b flag-3; its meaning depends on the scheduler."),
    kw("sh-port").doc(
        "With the sh scheduler, hash on the source port as well as the address. Must come after lb_algo sh, \
         otherwise it is ignored.",
    ),
    kw("sh-fallback").doc(
        "With the sh scheduler, pick another server when the hashed one is unavailable. Must come after \
         lb_algo sh, otherwise it is ignored.",
    ),
    kw("mh-port").doc(
        "With the mh scheduler, hash on the source port as well as the address. Must come after lb_algo mh, \
         otherwise it is ignored.",
    ),
    kw("mh-fallback").doc(
        "With the mh scheduler, pick another server when the hashed one is unavailable. Must come after \
         lb_algo mh, otherwise it is ignored.",
    ),
    kw("lb_kind").opt_args(1, FORWARDING).variadic().doc(
        "Forwarding method: NAT, DR, or TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]; gue needs a \
         port. Same as lvs_method. When absent keepalived reports an error and uses NAT.",
    ),
    kw("lvs_method").opt_args(1, FORWARDING).variadic().doc(
        "Forwarding method: NAT, DR, or TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]; gue needs a \
         port. Same as lb_kind. When absent keepalived reports an error and uses NAT.",
    ),
    kw("persistence_engine").args(&[Word]).doc(
        "IPVS persistence engine used for connection affinity, such as sip (the only one the kernel \
         provides). Long names are truncated.",
    ),
    kw("persistence_timeout")
        .opt_args(0, &[Uint { min: 1, max: 2678400 }])
        .doc(
            "Make the service persistent: a client keeps its real server for this many seconds (1 to 2678400). \
         Without a number, 360 seconds.",
        ),
    kw("persistence_granularity").args(&[Custom]).doc(
        "Group clients for persistence by network: an IPv4 netmask such as 255.255.255.0, or an IPv6 prefix \
         length 1 to 128. Turns persistence on (360 s) if not set.",
    ),
    kw("protocol").args(&[EnumNoCase(&["TCP", "UDP", "SCTP"])]).doc(
        "Transport protocol of an address-based service: TCP, UDP or SCTP, in any case. When absent \
         keepalived reports an error and uses UDP; ignored for fwmark services.",
    ),
    kw("ha_suspend").doc(
        "Suspend health checks while the service's address is not present on this host, for example on a \
         VRRP backup. Not allowed on fwmark services.",
    ),
    kw("smtp_alert").opt_args(0, OPT_BOOL).doc(
        "Send an e-mail when the service gains or loses quorum. Without an argument it means yes; off by \
         default unless the global smtp_alert settings enable it.",
    ),
    kw("virtualhost").args(&[Word]).doc(
        "Default Host header for HTTP_GET and SSL_GET checks of this service's real servers. Real servers, \
         checkers and urls may override it.",
    ),
    kw("snmp_name").args(&[Word]).doc(
        "Label reported for this virtual server in keepalived's SNMP data, to tell services apart when \
         reading SNMP output. Takes exactly one word.",
    ),
    kw("alpha").doc(
        "Start every real server of the service as failed, so each joins only after passing its checks. \
         Prevents sending traffic to dead servers at start-up.",
    ),
    kw("omega").doc(
        "On shutdown, run the quorum_down and notify_down commands as if servers had failed, so external \
         state is cleaned up.",
    ),
    kw("quorum_up").opt_args(1, &[Script, User]).doc(
        "Command run when the total weight of live real servers reaches the quorum, optionally as a given \
         user and group.",
    ),
    kw("quorum_down").opt_args(1, &[Script, User]).doc(
        "Command run when the total weight of live real servers falls below the quorum, optionally as a \
         given user and group.",
    ),
    kw("quorum")
        .args(&[Uint {
            min: 1,
            max: u32::MAX as u64,
        }])
        .default("1")
        .doc(
            "Minimum total weight of live real servers for the service to count as up. Values above the total \
         weight are reduced to it; with a sorry_server, losing quorum swaps the pool for it.",
        ),
    kw("hysteresis").args(&[U32]).default("0").doc(
        "Weight margin around the quorum before gaining or losing it is declared, to damp flapping. Must be \
         below quorum; keepalived lowers it to quorum minus 1 otherwise.",
    ),
    kw("weight")
        .args(&[Uint {
            min: 1,
            max: WEIGHT_MAX,
        }])
        .default("1")
        .doc("Default weight, 1 to 2147483647, for real servers of this service that do not set their own."),
    kw("sorry_server").opt_args(1, &[Ip, Port]).doc(
        "Fallback server put into the pool, replacing all real servers, while the quorum is not met. The port \
         may be omitted as for real servers.",
    ),
    kw("sorry_server_inhibit").doc(
        "Apply inhibit_on_failure to the sorry server: set its weight to 0 instead of removing it. Must come \
         after sorry_server.",
    ),
    kw("sorry_server_lvs_method").opt_args(1, FORWARDING).variadic().doc(
        "Forwarding method of the sorry server, with the same syntax as lvs_method. Must come after \
         sorry_server; defaults to the service's method.",
    ),
    kw("real_server").opt_args(1, &[Ip, Port]).block(REAL_SERVER).doc(
        "A backend of the service, by address and port, with its own settings and health checkers. A virtual \
         server without any real server is dropped.",
    ),
];
