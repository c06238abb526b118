//! Explanations of the front end's checks (their logic lives in `vigil-grammar`).
//! Generated once from a list and maintained by hand; codes match `vigil_grammar::DiagKind`.

use super::Check;
use vigil_grammar::{DiagKind, Severity};

pub static UNTERMINATED_QUOTE: Check = Check {
    code: "KA0001",
    name: "unterminated-quote",
    severity: Severity::Error,
    finds: "A double quote that is never closed on its line.",
    why: "keepalived drops the rest of such a line, so the value you meant is silently lost or cut short.",
    example: "notify_master \"/usr/local/bin/notify.sh master",
    fix: "Close the string with `\"` on the same line; strings never span lines.",
};

pub static CONTROL_CHARACTER: Check = Check {
    code: "KA0002",
    name: "control-character",
    severity: Severity::Error,
    finds: "Control characters (NUL, escape and the like) in the text.",
    why: "They are invisible in most editors, and keepalived either ignores the line or reads a different word than the one you see.",
    example: "priority 100<NUL>",
    fix: "Delete the character; `cat -A FILE` shows where it is.",
};

pub static INVALID_UTF8: Check = Check {
    code: "KA0003",
    name: "invalid-utf8",
    severity: Severity::Error,
    finds: "Bytes that are not valid UTF-8.",
    why: "Names and addresses with such bytes do not match what you see in an editor; the file was probably saved in another encoding.",
    example: "router_id caf\\xe9",
    fix: "Save the file as UTF-8, or keep to ASCII.",
};

pub static UNCLOSED_BRACE: Check = Check {
    code: "KA0004",
    name: "unclosed-brace",
    severity: Severity::Error,
    finds: "A `{` whose block is never closed.",
    why: "keepalived reads everything after it as part of that block, so later blocks become nested inside it and their keywords are rejected or misread.",
    example: "vrrp_instance VI_1 {\n    virtual_ipaddress {\n        192.0.2.10\n    # missing }\n}",
    fix: "Add the missing `}`. The diagnostic points at the block whose closing brace is indented like an outer one: that is usually where it is missing.",
};

pub static UNMATCHED_CLOSE_BRACE: Check = Check {
    code: "KA0005",
    name: "unmatched-close-brace",
    severity: Severity::Error,
    finds: "A `}` that closes no open block.",
    why: "keepalived reports the extra brace and, at top level, also reads it as an unknown keyword; often an earlier block was closed too soon.",
    example: "global_defs {\n    router_id lb1\n}\n}",
    fix: "Remove the extra `}`, or find the block above that was closed early.",
};

pub static BLOCK_WITHOUT_KEYWORD: Check = Check {
    code: "KA0006",
    name: "block-without-keyword",
    severity: Severity::Error,
    finds: "A `{` that follows no keyword, or follows a block that was already closed.",
    why: "keepalived ignores such a `{`, reads the lines inside as part of the enclosing block, and lets its `}` close that enclosing block early.",
    example: "vrrp_instance VI_1 {\n}\n{\n    priority 100\n}",
    fix: "Put the keyword that the block belongs to in front of it, or remove the braces.",
};

pub static MALFORMED_STATEMENT: Check = Check {
    code: "KA0007",
    name: "malformed-statement",
    severity: Severity::Error,
    finds: "A statement that cannot be read at all.",
    why: "keepalived would ignore or misread it.",
    example: "priority <NUL> 100",
    fix: "Rewrite the line; the other diagnostics on it say what is wrong.",
};

pub static LINE_TOO_LONG: Check = Check {
    code: "KA0008",
    name: "line-too-long",
    severity: Severity::Warning,
    finds: "A line longer than keepalived's 1023-byte line buffer.",
    why: "keepalived 2.4 ignores such a line entirely and 2.2 cuts it into pieces that are read as separate lines; Vigil reads it whole, so the two disagree.",
    example: "notify_master \"/usr/bin/very-long-command ... (1100 characters)\"",
    fix: "Shorten the line, for example by moving a long command into a script file.",
};

pub static UNDEFINED_NAME: Check = Check {
    code: "KA0010",
    name: "undefined-name",
    severity: Severity::Warning,
    finds: "A `$NAME` or `${NAME}` reference to a name that is not defined at that point.",
    why: "keepalived leaves the reference in the text as it is, so the keyword gets the literal `$NAME` as its value; `${NAME}` also splits into braces and can close a block early.",
    example: "vrrp_instance VI_1 {\n    interface $IFACE\n}",
    fix: "Define the name before its first use (`$IFACE=eth0`), or correct its spelling.",
};

pub static UNSUBSTITUTED_REFERENCE: Check = Check {
    code: "KA0018",
    name: "unsubstituted-reference",
    severity: Severity::Warning,
    finds: "A `$NAME` reference to a defined name that keepalived does not replace, because something other than a space, a tab, `,`, `)` or the end of the line follows it.",
    why: "The value keeps the literal `$NAME` text, for example `$VIP/24` stays `$VIP/24` instead of becoming an address.",
    example: "$VIP=192.0.2.10\nvirtual_ipaddress {\n    $VIP/24\n}",
    fix: "Write the reference with braces: `${VIP}/24`.",
};

pub static DEFINITION_LOOP: Check = Check {
    code: "KA0011",
    name: "definition-loop",
    severity: Severity::Error,
    finds: "A definition that refers to itself, directly or through other definitions.",
    why: "keepalived would expand it until the line buffer is full and then drop the line.",
    example: "$A=$B\n$B=$A\nrouter_id $A",
    fix: "Break the cycle: one of the definitions must end in plain text.",
};

pub static MULTI_LINE_DEFINITION_MID_LINE: Check = Check {
    code: "KA0012",
    name: "multi-line-definition-mid-line",
    severity: Severity::Error,
    finds: "A multi-line definition used anywhere but at the end of a line.",
    why: "keepalived can only insert several lines where the reference ends the line; elsewhere the result is not what the definition says.",
    example: "$BODY=\\\n    weight 1 \\\n    inhibit_on_failure\nreal_server 192.0.2.2 80 { $BODY }",
    fix: "Put the reference last on its line, with the braces on lines of their own.",
};

pub static BAD_DEFINITION_ARGUMENTS: Check = Check {
    code: "KA0013",
    name: "bad-definition-arguments",
    severity: Severity::Error,
    finds: "Parameters that a definition does not take: a wrong count or kind for a predefined name such as `${_RANDOM}`, or any parameter for your own definition.",
    why: "keepalived reports the predefined cases and leaves your own definition's reference in the text.",
    example: "router_id ${_RANDOM a b}",
    fix: "Use the parameters the definition takes: `${_RANDOM 1 100}`, `${_ENV HOME}`; your own definitions take none.",
};

pub static SPACE_BEFORE_EQUALS: Check = Check {
    code: "KA0014",
    name: "space-before-equals",
    severity: Severity::Error,
    finds: "A definition line written with white space before `=`.",
    why: "keepalived only recognises `$NAME=` with nothing between the name and `=`; with a space the line is an unknown keyword and the name stays undefined.",
    example: "$VIP = 192.0.2.10",
    fix: "Remove the space: `$VIP=192.0.2.10`.",
};

pub static BAD_GENERATOR: Check = Check {
    code: "KA0015",
    name: "bad-generator",
    severity: Severity::Error,
    finds: "A `~SEQ`, `~SEQx` or `~LST` generator that cannot run: missing `)`, non-numeric bounds, a step that never reaches the end, too many values.",
    why: "keepalived reports it and drops the line, so none of the lines you meant to generate exist.",
    example: "~SEQ(i, 1, 0, 10) real_server 192.0.2.$i 80",
    fix: "Fix the arguments: `~SEQ(var, start, step, end)`, `~SEQ(var, start, end)` or `~SEQ(var, end)`; `~LST(var, a, b, c)`.",
};

pub static EMPTY_CONDITIONAL: Check = Check {
    code: "KA0016",
    name: "empty-conditional",
    severity: Severity::Warning,
    finds: "A conditional line (`@ID` or `@^ID`) with nothing after the id.",
    why: "keepalived drops such a line whatever the config id, so it does nothing.",
    example: "vrrp_instance VI_1 {\n    @lb1\n}",
    fix: "Write the statement after the id on the same line: `@lb1 priority 150`.",
};

pub static CONDITIONAL_INCLUDE: Check = Check {
    code: "KA0017",
    name: "conditional-include",
    severity: Severity::Warning,
    finds: "An `include` behind an `@ID` condition.",
    why: "keepalived's consolidated copy of the configuration keeps the raw line, so its child processes include the file a second time and then report every block in it as defined twice.",
    example: "@lb1 include /etc/keepalived/lb1.conf",
    fix: "Include the file unconditionally and put the `@ID` conditions inside it.",
};

pub static INCLUDE_NOT_FOUND: Check = Check {
    code: "KA0020",
    name: "include-not-found",
    severity: Severity::Warning,
    finds: "An include whose file does not exist or whose pattern matches nothing.",
    why: "A plain `include` of a missing file is skipped by keepalived without an error, so the blocks you expected are simply absent; `includem`, `includew` and `includea` make it an error.",
    example: "include /etc/keepalived/conf.d/*.conf",
    fix: "Correct the path (relative paths are relative to the including file's folder), or remove the include.",
};

pub static INCLUDE_CYCLE: Check = Check {
    code: "KA0021",
    name: "include-cycle",
    severity: Severity::Error,
    finds: "An include that would read a file that is already being read.",
    why: "keepalived has no cycle detection: it includes the files again and again until it runs out of file descriptors, and may then run with duplicated or partial configuration.",
    example: "# a.conf\ninclude b.conf\n# b.conf\ninclude a.conf",
    fix: "Remove one of the includes in the cycle.",
};

pub static INCLUDE_NOT_REGULAR: Check = Check {
    code: "KA0022",
    name: "include-not-regular",
    severity: Severity::Warning,
    finds: "An include that matches a directory, an executable file or something else that is not a regular file.",
    why: "keepalived skips such a match without using it.",
    example: "include /etc/keepalived/conf.d",
    fix: "Include the files (`conf.d/*.conf`) instead of the folder, and remove the execute bit from configuration files.",
};

pub static INCLUDE_UNREADABLE: Check = Check {
    code: "KA0023",
    name: "include-unreadable",
    severity: Severity::Error,
    finds: "An included file that exists but cannot be read.",
    why: "keepalived would run without its contents.",
    example: "include /root/secret.conf",
    fix: "Fix the file's permissions.",
};

pub static EXPANSION_LIMIT: Check = Check {
    code: "KA0024",
    name: "expansion-limit",
    severity: Severity::Error,
    finds: "Includes, definitions or generators that expand beyond Vigil's limits (include depth 32, 1000 files, 1,000,000 generated lines, lines of 1 MiB after substitution).",
    why: "Such a configuration is almost certainly a mistake (a runaway generator, a self-referencing definition) and would exhaust keepalived's memory or time.",
    example: "~SEQ(i, 1, 2000000000) real_server 192.0.2.1 $i",
    fix: "Reduce the expansion; split the configuration if it really is that large.",
};

/// Every front-end check.
pub static ALL: &[&Check] = &[
    &UNTERMINATED_QUOTE,
    &CONTROL_CHARACTER,
    &INVALID_UTF8,
    &UNCLOSED_BRACE,
    &UNMATCHED_CLOSE_BRACE,
    &BLOCK_WITHOUT_KEYWORD,
    &MALFORMED_STATEMENT,
    &LINE_TOO_LONG,
    &UNDEFINED_NAME,
    &UNSUBSTITUTED_REFERENCE,
    &DEFINITION_LOOP,
    &MULTI_LINE_DEFINITION_MID_LINE,
    &BAD_DEFINITION_ARGUMENTS,
    &SPACE_BEFORE_EQUALS,
    &BAD_GENERATOR,
    &EMPTY_CONDITIONAL,
    &CONDITIONAL_INCLUDE,
    &INCLUDE_NOT_FOUND,
    &INCLUDE_CYCLE,
    &INCLUDE_NOT_REGULAR,
    &INCLUDE_UNREADABLE,
    &EXPANSION_LIMIT,
];

/// The check that documents a front-end diagnostic kind.
pub fn check_for(kind: DiagKind) -> &'static Check {
    match kind {
        DiagKind::UnterminatedQuote => &UNTERMINATED_QUOTE,
        DiagKind::ControlCharacter => &CONTROL_CHARACTER,
        DiagKind::InvalidUtf8 => &INVALID_UTF8,
        DiagKind::UnclosedBrace => &UNCLOSED_BRACE,
        DiagKind::UnmatchedCloseBrace => &UNMATCHED_CLOSE_BRACE,
        DiagKind::BlockWithoutKeyword => &BLOCK_WITHOUT_KEYWORD,
        DiagKind::MalformedStatement => &MALFORMED_STATEMENT,
        DiagKind::LineTooLong => &LINE_TOO_LONG,
        DiagKind::UndefinedName => &UNDEFINED_NAME,
        DiagKind::UnsubstitutedReference => &UNSUBSTITUTED_REFERENCE,
        DiagKind::DefinitionLoop => &DEFINITION_LOOP,
        DiagKind::MultiLineDefinitionMidLine => &MULTI_LINE_DEFINITION_MID_LINE,
        DiagKind::BadDefinitionArguments => &BAD_DEFINITION_ARGUMENTS,
        DiagKind::SpaceBeforeEquals => &SPACE_BEFORE_EQUALS,
        DiagKind::BadGenerator => &BAD_GENERATOR,
        DiagKind::EmptyConditional => &EMPTY_CONDITIONAL,
        DiagKind::ConditionalInclude => &CONDITIONAL_INCLUDE,
        DiagKind::IncludeNotFound => &INCLUDE_NOT_FOUND,
        DiagKind::IncludeCycle => &INCLUDE_CYCLE,
        DiagKind::IncludeNotRegular => &INCLUDE_NOT_REGULAR,
        DiagKind::IncludeUnreadable => &INCLUDE_UNREADABLE,
        DiagKind::ExpansionLimit => &EXPANSION_LIMIT,
    }
}
