import { describe, expect, it } from "vitest";
import { classifySmtpOutcome, type RejectionKind, type SmtpSendError } from "./classify-smtp-outcome.js";

/** A nodemailer error for a server reply to `command`, shaped as nodemailer shapes it. */
function replied(command: string, response: string, code = "EENVELOPE"): SmtpSendError {
  return {
    code,
    command,
    response,
    responseCode: Number(response.slice(0, 3)),
    message: `Can't send mail: ${response}`,
  };
}

const gmailNoSuchUser = [
  "550-5.1.1 The email account that you tried to reach does not exist. Please try",
  "550-5.1.1 double-checking the recipient's email address for typos or",
  "550-5.1.1 unnecessary spaces. For more information, go to",
  "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser d2e1a72fcca58-7b0c1 - gsmtp",
].join("\n");

const rows: [source: string, error: SmtpSendError, kind: RejectionKind, code: string][] = [
  // Gmail
  ["Gmail: no such user", replied("RCPT TO", gmailNoSuchUser), "hard", "5.1.1"],
  [
    "Gmail: account disabled",
    replied(
      "RCPT TO",
      "550-5.2.1 The email account that you tried to reach is disabled.\n550 5.2.1  https://support.google.com/mail/?p=DisabledUser - gsmtp",
    ),
    "hard",
    "5.2.1",
  ],
  [
    "Gmail: inbox out of storage",
    replied(
      "RCPT TO",
      "552-5.2.2 The recipient's inbox is out of storage space. Please direct the\n552 5.2.2 recipient to https://support.google.com/mail/?p=OverQuotaPerm - gsmtp",
    ),
    "soft",
    "5.2.2",
  ],
  [
    "Gmail: DMARC",
    replied(
      "DATA",
      "550-5.7.26 Unauthenticated email from acme.example is not accepted due to domain's\n550-5.7.26 DMARC policy. Please contact the administrator of acme.example domain.\n550 5.7.26  https://support.google.com/mail/answer/2451690 - gsmtp",
      "EMESSAGE",
    ),
    "sender",
    "5.7.26",
  ],
  [
    "Gmail: likely unsolicited",
    replied(
      "DATA",
      "550-5.7.1 [203.0.113.5] Our system has detected that this message is\n550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,\n550 5.7.1 this message has been blocked. - gsmtp",
      "EMESSAGE",
    ),
    "sender",
    "5.7.1",
  ],
  [
    "Gmail: no PTR record",
    replied(
      "DATA",
      "550-5.7.25 [203.0.113.5] The IP address sending this message does not have a\n550 5.7.25 PTR record setup, or the corresponding forward DNS entry does not match - gsmtp",
      "EMESSAGE",
    ),
    "sender",
    "5.7.25",
  ],
  [
    "Gmail: unusual rate from IP",
    replied(
      "RCPT TO",
      "421-4.7.0 [203.0.113.5] Our system has detected an unusual rate of\n421 4.7.0 unsolicited mail originating from your IP address. - gsmtp",
    ),
    "throttled",
    "4.7.0",
  ],
  [
    "Gmail: recipient receiving too fast",
    replied(
      "RCPT TO",
      "450-4.2.1 The user you are trying to contact is receiving mail at a rate that\n450 4.2.1 prevents additional messages from being delivered. - gsmtp",
    ),
    "soft",
    "4.2.1",
  ],
  [
    "Gmail: bad credentials (AUTH)",
    replied(
      "AUTH PLAIN",
      "535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials - gsmtp",
      "EAUTH",
    ),
    "transport",
    "5.7.8",
  ],
  // Microsoft (Outlook.com, Microsoft 365)
  [
    "Outlook: mailbox unavailable (5.5.0 says nothing, 550 decides)",
    replied(
      "RCPT TO",
      "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [BN1NAM02FT001.eop-nam02.prod.protection.outlook.com]",
    ),
    "hard",
    "5.5.0",
  ],
  [
    "Microsoft 365: recipient not found",
    replied(
      "RCPT TO",
      "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
    ),
    "hard",
    "5.1.10",
  ],
  [
    "Microsoft 365: directory-based edge blocking",
    replied(
      "RCPT TO",
      "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DM6NAM11FT012.eop-nam11.prod.protection.outlook.com]",
    ),
    "hard",
    "5.4.1",
  ],
  [
    "Microsoft 365: domain does not exist",
    replied("RCPT TO", "550 5.4.310 DNS domain navy.invalid does not exist [Message=InfoDomainNonexistent]"),
    "hard",
    "5.4.310",
  ],
  [
    "Outlook: IP on a block list",
    replied(
      "RCPT TO",
      "550 5.7.1 Unfortunately, messages from [203.0.113.5] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
    ),
    "sender",
    "5.7.1",
  ],
  [
    "Microsoft 365: traffic not accepted from this IP",
    replied(
      "MAIL FROM",
      "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.",
    ),
    "sender",
    "5.7.708",
  ],
  [
    "Outlook: server busy",
    replied("RCPT TO", "451 4.7.500 Server busy. Please try again later from [203.0.113.5]. (S77719)"),
    "throttled",
    "4.7.500",
  ],
  [
    "Microsoft 365: quota exceeded (554 with 5.2.2)",
    replied("DATA", "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException", "EMESSAGE"),
    "soft",
    "5.2.2",
  ],
  // Yahoo and AOL
  [
    "Yahoo: no such account (no enhanced code)",
    replied(
      "RCPT TO",
      "554 delivery error: dd This user doesn't have a yahoo.com account (grace@yahoo.com) [0] - mta1234.mail.bf1.yahoo.com",
    ),
    "hard",
    "554",
  ],
  [
    "Yahoo: mailbox not found on 552",
    replied("RCPT TO", "552 1 Requested mail action aborted, mailbox not found"),
    "hard",
    "552",
  ],
  [
    "Yahoo: temporarily deferred",
    replied(
      "MAIL FROM",
      "421 4.7.0 [TSS04] Messages from 203.0.113.5 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
      "EENVELOPE",
    ),
    "throttled",
    "4.7.0",
  ],
  [
    "Yahoo: permanently deferred",
    replied(
      "MAIL FROM",
      "553 5.7.2 [TSS09] All messages from 203.0.113.5 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes",
    ),
    "sender",
    "5.7.2",
  ],
  [
    "Yahoo: unauthenticated sender",
    replied(
      "DATA",
      "550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM.",
      "EMESSAGE",
    ),
    "sender",
    "5.7.9",
  ],
  ["AOL (legacy): # before the code", replied("RCPT TO", "550 #5.1.0 Address rejected."), "hard", "5.1.0"],
  // Postfix, Exim, qmail and plain replies
  [
    "Postfix: user unknown",
    replied(
      "RCPT TO",
      "550 5.1.1 <grace@navy.example>: Recipient address rejected: User unknown in virtual mailbox table",
    ),
    "hard",
    "5.1.1",
  ],
  [
    "Postfix: sender domain not found, checked at RCPT",
    replied("RCPT TO", "553 5.1.8 <ada@acme.example>: Sender address rejected: Domain not found"),
    "sender",
    "5.1.8",
  ],
  [
    "Postfix: temporary sender domain failure at MAIL FROM",
    replied("MAIL FROM", "450 4.1.8 <ada@acme.example>: Sender address rejected: Domain not found"),
    "throttled",
    "4.1.8",
  ],
  [
    "Postfix: relay access denied",
    replied("RCPT TO", "554 5.7.1 <grace@navy.example>: Relay access denied"),
    "sender",
    "5.7.1",
  ],
  [
    "Postfix: greylisting",
    replied(
      "RCPT TO",
      "451 4.7.1 <grace@navy.example>: Recipient address rejected: Greylisted for 300 seconds",
    ),
    "soft",
    "4.7.1",
  ],
  [
    "qmail: code written last",
    replied("RCPT TO", "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"),
    "sender",
    "5.7.1",
  ],
  [
    "plain 550 mailbox unavailable",
    replied("RCPT TO", "550 Requested action not taken: mailbox unavailable"),
    "hard",
    "550",
  ],
  [
    "plain 551 user not local",
    replied("RCPT TO", "551 User not local; please try <grace@navy.example>"),
    "hard",
    "551",
  ],
  [
    "plain 553 bad mailbox name",
    replied("RCPT TO", "553 Requested action not taken: mailbox name not allowed"),
    "hard",
    "553",
  ],
  [
    "plain 554 naming a block list: the address stays good",
    replied("RCPT TO", "554 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org"),
    "sender",
    "554",
  ],
  [
    "plain 550 spam refusal: the address stays good",
    replied("DATA", "550 Message rejected because it contains spam", "EMESSAGE"),
    "sender",
    "550",
  ],
  [
    "message too big",
    replied("DATA", "552 5.3.4 Message size exceeds fixed limit", "EMESSAGE"),
    "sender",
    "5.3.4",
  ],
  [
    "greeting refused for the client host",
    replied(
      "CONN",
      "554 5.7.1 Client host rejected: cannot find your reverse hostname, [203.0.113.5]",
      "EPROTOCOL",
    ),
    "sender",
    "5.7.1",
  ],
  [
    "421 at EHLO: server closing",
    replied("EHLO", "421 4.3.2 Service not available, closing transmission channel", "ECONNECTION"),
    "throttled",
    "4.3.2",
  ],
  // Throttles, rate and quota limits of the sending side: never the recipient's fault
  [
    "Gmail: daily sending quota (5.4.5) at MAIL FROM",
    replied(
      "MAIL FROM",
      "550-5.4.5 Daily user sending quota exceeded. For more information, go to\n550 5.4.5  https://support.google.com/mail/?p=ReachedLimit - gsmtp",
    ),
    "throttled",
    "5.4.5",
  ],
  [
    "Gmail: daily sending limit (5.4.5) at RCPT TO",
    replied("RCPT TO", "550 5.4.5 Daily user sending limit exceeded. - gsmtp"),
    "throttled",
    "5.4.5",
  ],
  [
    "Gmail: try again later, closing connection (421 after DATA, reported on the connection)",
    replied("CONN", "421 4.7.0 Try again later, closing connection. - gsmtp", "ECONNECTION"),
    "throttled",
    "4.7.0",
  ],
  [
    "Gmail: too many recipients (one recipient per message: a limit on the sender)",
    replied("RCPT TO", "452 4.5.3 Your message has too many recipients. - gsmtp"),
    "throttled",
    "4.5.3",
  ],
  [
    "Amazon SES: maximum sending rate",
    replied("MAIL FROM", "454 Throttling failure: Maximum sending rate exceeded."),
    "throttled",
    "454",
  ],
  [
    "Amazon SES: daily quota, after DATA",
    replied("DATA", "454 Throttling failure: Daily message quota exceeded.", "EMESSAGE"),
    "throttled",
    "454",
  ],
  [
    "Microsoft 365: sender thread limit",
    replied(
      "DATA",
      "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=DM6PR11MB1234.namprd11.prod.outlook.com]",
      "EMESSAGE",
    ),
    "throttled",
    "4.3.2",
  ],
  [
    "Microsoft 365: submission quota (a 5.2.0 that is no mailbox's state)",
    replied(
      "DATA",
      "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Cannot submit message.",
      "EMESSAGE",
    ),
    "throttled",
    "5.2.0",
  ],
  [
    "Microsoft 365: IP rate limited at RCPT TO",
    replied(
      "RCPT TO",
      "451 4.7.650 The mail server [203.0.113.5] has been temporarily rate limited due to IP reputation.",
    ),
    "throttled",
    "4.7.650",
  ],
  [
    "451 at MAIL FROM without a telling code",
    replied("MAIL FROM", "451 Local error in processing"),
    "throttled",
    "451",
  ],
  [
    "451 after DATA",
    replied("DATA", "451 4.3.0 Error: queue file write error", "EMESSAGE"),
    "throttled",
    "4.3.0",
  ],
  [
    "the server's own trouble at RCPT TO, 451 4.3.0",
    replied("RCPT TO", "451 4.3.0 Temporary server error, try again later"),
    "throttled",
    "4.3.0",
  ],
  [
    "Gmail: blocked for an unusual rate (a 5.7.1 block, not a throttle)",
    replied(
      "DATA",
      "550-5.7.1 [203.0.113.5] Our system has detected an unusual rate of unsolicited mail\n550 5.7.1 originating from your IP address. Mail sent from your IP address has been blocked. - gsmtp",
      "EMESSAGE",
    ),
    "sender",
    "5.7.1",
  ],
  [
    "a mailbox busy after DATA stays the recipient's",
    replied("DATA", "451 4.2.1 Mailbox temporarily unavailable, try again later", "EMESSAGE"),
    "soft",
    "4.2.1",
  ],
  [
    "a mailbox full at RCPT TO stays the recipient's, quota wording and all",
    replied("RCPT TO", "452 4.2.2 <grace@navy.example>: Mailbox quota exceeded"),
    "soft",
    "4.2.2",
  ],
  [
    "a temporary sender-domain failure checked at RCPT TO is the sender's",
    replied("RCPT TO", "450 4.1.8 <ada@acme.example>: Sender address rejected: Domain not found"),
    "throttled",
    "4.1.8",
  ],
  [
    "greylisting without an enhanced code stays the recipient's",
    replied("RCPT TO", "450 Greylisted, please try again in 300 seconds"),
    "soft",
    "450",
  ],
  ["sequence error", replied("RCPT TO", "503 5.5.1 Error: need MAIL command"), "transport", "5.5.1"],
  [
    "STARTTLS refused",
    replied("STARTTLS", "454 4.7.0 TLS not available due to local problem", "ETLS"),
    "transport",
    "4.7.0",
  ],
  // No reply at all: the network, DNS, TLS, timeouts
  [
    "connection refused",
    { code: "ESOCKET", command: "CONN", message: "connect ECONNREFUSED 127.0.0.1:587" },
    "transport",
    "ESOCKET",
  ],
  [
    "DNS failure",
    { code: "EDNS", command: "CONN", message: "getaddrinfo ENOTFOUND smtp.acme.invalid" },
    "transport",
    "EDNS",
  ],
  [
    "greeting timeout",
    { code: "ETIMEDOUT", command: "CONN", message: "Greeting never received" },
    "transport",
    "ETIMEDOUT",
  ],

  [
    "certificate refused",
    { code: "ESOCKET", command: "CONN", message: "self-signed certificate" },
    "transport",
    "ESOCKET",
  ],
  [
    "no credentials",
    { code: "EAUTH", command: "API", message: 'Missing credentials for "PLAIN"' },
    "transport",
    "EAUTH",
  ],
];

describe("classifySmtpOutcome", () => {
  it.each(rows)("%s", (_source, error, kind, code) => {
    const response = error.response?.trim() ?? error.message;
    expect(classifySmtpOutcome({ type: "failed", error })).toEqual({
      status: "rejected",
      kind,
      code,
      response,
    });
  });

  it("keeps the whole multi-line reply as the response", () => {
    const result = classifySmtpOutcome({ type: "failed", error: replied("RCPT TO", gmailNoSuchUser) });
    expect(result.status === "rejected" && result.response).toBe(gmailNoSuchUser);
  });

  it("maps a recipient nodemailer lists as rejected on an otherwise sent message", () => {
    const result = classifySmtpOutcome({
      type: "sent",
      info: {
        response: "250 2.0.0 OK",
        messageId: "<a@acme.example>",
        rejected: ["grace@navy.example"],
        rejectedErrors: [replied("RCPT TO", gmailNoSuchUser)],
      },
    });
    expect(result).toEqual({ status: "rejected", kind: "hard", code: "5.1.1", response: gmailNoSuchUser });
  });

  it("reports an accepted message with the server's response and the id the server gave it", () => {
    expect(
      classifySmtpOutcome({
        type: "sent",
        info: {
          response: "250 2.0.0 OK 1700000000 a1si123 - gsmtp",
          messageId: "<a@acme.example>",
          rejected: [],
        },
      }),
    ).toEqual({
      status: "accepted",
      response: "250 2.0.0 OK 1700000000 a1si123 - gsmtp",
      providerMessageId: "<a@acme.example>",
    });
    expect(
      classifySmtpOutcome({
        type: "sent",
        info: {
          response: "250 2.6.0 <a@acme.example> [InternalId=123] Queued mail for delivery",
          messageId: "<a@acme.example>",
          serverMessageId: "<PH0PR11MB1234.namprd11.prod.outlook.com>",
          rejected: [],
        },
      }),
    ).toMatchObject({ status: "accepted", providerMessageId: "<PH0PR11MB1234.namprd11.prod.outlook.com>" });
  });

  it("treats anything thrown that is not an error as a transport failure", () => {
    expect(classifySmtpOutcome({ type: "failed", error: "pool exploded" })).toEqual({
      status: "rejected",
      kind: "transport",
      code: "UNKNOWN",
      response: "pool exploded",
    });
  });

  it("reports a session lost without a reply as an unknown outcome: the message may have been queued", () => {
    for (const error of [
      { code: "ECONNECTION", command: "CONN", message: "Connection closed unexpectedly" },
      { code: "ESOCKET", command: "CONN", message: "read ECONNRESET" },
      { code: "ESOCKET", command: "CONN", message: "write EPIPE" },
      { code: "ETIMEDOUT", command: "CONN", message: "Timeout" },
    ]) {
      expect(classifySmtpOutcome({ type: "failed", error })).toEqual({
        status: "unknown",
        code: error.code,
        response: error.message,
      });
    }
  });

  it("never calls a failure without a server reply a bounce", () => {
    for (const code of [
      "ECONNECTION",
      "ETIMEDOUT",
      "ESOCKET",
      "EDNS",
      "ETLS",
      "EAUTH",
      "EPROXY",
      undefined,
    ]) {
      const result = classifySmtpOutcome({ type: "failed", error: { code, message: "failed" } });
      expect(
        result.status === "unknown" || (result.status === "rejected" && result.kind === "transport"),
      ).toBe(true);
    }
  });
});
