//! The words of the mails closedesk sends.

use jiff::Timestamp;

use super::Mail;
use crate::core::closure::{Code, Purpose};
use crate::core::time::utc_minute;

/// The one-time code for confirming a closure or its cancellation.
pub fn code_mail(purpose: Purpose, code: &Code, expires_at: Timestamp) -> Mail {
    let (subject, what) = match purpose {
        Purpose::Close => ("Your code to close your account", "close your account"),
        Purpose::Cancel => ("Your code to keep your account", "cancel the closure of your account"),
    };
    let body = |shown: &str| {
        format!(
            "Hello,\n\nSomeone, hopefully you, asked to {what}.\n\nYour code: {shown}\n\n\
             It is valid until {} and works once. If you did not ask for this, ignore this mail \
             and consider changing your password.\n\n— closedesk\n",
            utc_minute(expires_at)
        )
    };
    Mail {
        subject: subject.to_owned(),
        body: body(code.expose()),
        body_for_table: body("******"),
        code_expires_at: Some(expires_at),
    }
}

/// Confirms that the account is scheduled for deletion; `copies_kept_until` is when the last
/// copy of the database taken before the deletion is due to be deleted (the purge date plus
/// the retention of copies).
pub fn closure_confirmed(purge_after: Timestamp, copies_kept_until: Timestamp) -> Mail {
    let body = format!(
        "Hello,\n\nYour account is scheduled for deletion on {}.\n\n\
         Until then you can cancel: sign in, choose \"Cancel closure\", enter your password and \
         the code we mail you. After that date your orders, addresses, payment details, messages \
         and settings are erased and cannot be recovered; reviews you left stay visible as by \
         \"Deleted user\". Marketing mail has been switched off.\n\n\
         Copies of the whole database taken before that date may still hold your account until \
         {} at the latest, when they are due for deletion. Such a copy is never used to bring \
         your account back: restoring one erases your account again.\n\n— closedesk\n",
        utc_minute(purge_after),
        utc_minute(copies_kept_until)
    );
    Mail {
        subject: "Your account is scheduled for deletion".to_owned(),
        body_for_table: body.clone(),
        body,
        code_expires_at: None,
    }
}

/// Confirms that a closure was cancelled.
pub fn cancel_confirmed() -> Mail {
    let body = "Hello,\n\nThe closure of your account was cancelled; the account is active again. \
                Marketing mail stays off until you turn it on in your settings.\n\n— closedesk\n"
        .to_owned();
    Mail {
        subject: "Your account will not be deleted".to_owned(),
        body_for_table: body.clone(),
        body,
        code_expires_at: None,
    }
}
