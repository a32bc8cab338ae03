import type { MetaFunction } from '@remix-run/node';
import { Link } from '@remix-run/react';
import { CODE_RULES } from '~/verification/rules';

export const meta: MetaFunction = () => [{ title: 'Change account logon email — Help' }];

/** The help page the product implements, with each step linked to where it happens. */
export default function HelpChangeLogonEmail() {
  return (
    <article className="narrow help">
      <h1>Change account logon email</h1>
      <p className="lead">This topic describes how to change the logon email for your Alibaba Cloud account.</p>

      <h2>Scenarios for modifying the logon mailbox</h2>
      <p>You may need to change your logon email for the following reasons:</p>
      <ul>
        <li>
          <strong>Strengthen security:</strong> your original email address is compromised or no longer meets corporate
          security standards and must be replaced with a more secure one.
        </li>
        <li>
          <strong>Organizational changes:</strong> an employee leaves the company or changes roles, which requires you
          to transfer account control to a new owner and update the logon credentials.
        </li>
        <li>
          <strong>Standardize management:</strong> your company wants to align all cloud account logon emails with a
          standard corporate domain to facilitate centralized management.
        </li>
      </ul>
      <div className="notice" role="note">
        <p>
          <strong>Note.</strong> Changing the logon email only changes the credential used for identity verification. It
          does not change the account ID (UID). All resources, configurations, access controls (such as Resource Access
          Management (RAM) users or permissions), and AccessKey pairs for the account are bound to the UID and remain
          unchanged. You can see them on your <Link to="/account">Account</Link> page.
        </p>
      </div>

      <h2>Prerequisites</h2>
      <p>
        This topic applies only to changing the logon email for an Alibaba Cloud account while you are logged on. The
        solution varies based on whether your original logon email is available:
      </p>
      <ul>
        <li>
          If your original logon email is available, you can use your email or a phone verification code to complete the
          identity verification.
        </li>
        <li>
          If your original logon email is unavailable:
          <ul>
            <li>
              If you remember your original logon email, you can still log on to the account with your email and
              password. Then, you can choose to receive a verification code on your secure phone to complete the
              verification and change the email.
            </li>
            <li>
              If you forget your original logon email, you cannot log on to the account. In this case, you must change
              the information by <Link to="/appeals/new?scenario=FORGOT_LOGON_EMAIL">submitting an appeal</Link>. For
              more information, see <a href="#email-unavailable">My account email is unavailable</a>.
            </li>
          </ul>
        </li>
        <li>
          If both your original secure phone and logon email are unavailable, you cannot complete the identity
          verification required for the change. In this case, you must change the information by{' '}
          <Link to="/appeals/new?scenario=EMAIL_AND_PHONE_UNAVAILABLE">submitting an appeal</Link>. For more
          information, see <a href="#email-unavailable">My account email is unavailable</a>.
        </li>
      </ul>

      <h2>Procedure</h2>
      <div className="notice warn" role="note">
        <p>
          Users who log on as a Resource Access Management (RAM) user, with a RAM role, or through enterprise single
          sign-on (SSO) cannot change the logon email of the Alibaba Cloud account. You must contact the account
          administrator to log on to the Alibaba Cloud account and perform the operation.
        </p>
      </div>
      <ol>
        <li>
          <Link to="/login">Log on</Link> to your Alibaba Cloud account and click{' '}
          <Link to="/account">Account Management</Link> in the header. In the Account Center, go to the{' '}
          <Link to="/account/security">Security Settings</Link> page and click <strong>Change</strong> next to Logon
          Account.
        </li>
        <li>
          On the identity verification page, you can verify your identity using your secure phone or your original logon
          email.
        </li>
        <li>
          After your identity is verified, enter the new Logon Email, click <strong>Get Verification Code</strong>,
          enter the verification code that you receive, and then click <strong>OK</strong> to complete the change.
        </li>
        <li>
          The <strong>Modification successful</strong> message appears.
        </li>
      </ol>

      <h2>Security recommendations</h2>
      <p>
        Changing your logon email is a risky operation that directly affects account ownership. Keep the following
        points in mind:
      </p>
      <ul>
        <li>
          Before you perform this operation, ensure that you own the new email address. You must confirm that you have
          full control over the new mailbox. Do not use a mailbox that belongs to someone else or is shared.
        </li>
        <li>
          After the change is complete, you can no longer use the original logon email to log on. All future logons,
          password retrievals, and security notifications are sent to the new logon email. You must keep your new email
          address secure.
        </li>
      </ul>

      <h2>FAQ</h2>
      <h3>What do I do if I do not receive a verification code when I change my logon email?</h3>
      <ol>
        <li>
          If your original logon email or secure phone is working, you can try to send the verification code again (the
          verification page offers <strong>Resend code</strong> once 60 seconds have passed). You can also troubleshoot
          the issue — the <strong>Didn&apos;t receive the code?</strong> panel next to every code lists what to check —
          or <Link to="/appeals/new">submit an appeal</Link>. For more information, see{' '}
          <a href="#no-code">What do I do if I cannot receive a verification code during registration or logon?</a>
        </li>
        <li>
          If both the secure phone number and the logon email that are attached to the account are unavailable, you must{' '}
          <Link to="/appeals/new?scenario=EMAIL_AND_PHONE_UNAVAILABLE">submit an appeal</Link>. For more information,
          see <a href="#email-unavailable">My account email is unavailable</a>.
        </li>
      </ol>
      <h3>What do I do if a message indicates that the new email is already in use?</h3>
      <p>
        This message indicates that the new email address has been registered for another account. In this case, you can
        perform one of the following operations:
      </p>
      <ol>
        <li>Use an email address that has not been registered.</li>
        <li>
          If you own the email address but forgot the password, you can try to recover access to the account. See{' '}
          <Link to="/password-reset">How do I reset a forgotten password?</Link>
        </li>
      </ol>
      <h3 id="no-code">What do I do if I cannot receive a verification code during registration or logon?</h3>
      <ol>
        <li>Check that the email address or phone number the page shows (masked) is the one you expect.</li>
        <li>
          Email: look in the spam or junk folder, make sure the mailbox is not full and does not block mail from unknown
          senders. Phone: make sure it has signal, is not roaming without SMS, and does not block messages from short
          codes.
        </li>
        <li>
          Wait a minute — messages can be delayed — then use <strong>Resend code</strong>. Each new code replaces the
          previous one, so enter only the newest.
        </li>
        <li>
          At most {CODE_RULES.perHour} codes can be sent to one address or number per hour and {CODE_RULES.perDay} per
          day. When the page says the limit is reached, wait the time it names.
        </li>
        <li>
          If the code still does not arrive, or the email or phone no longer belongs to you,{' '}
          <Link to="/appeals/new">submit an appeal</Link>.
        </li>
      </ol>
      <h3 id="email-unavailable">My account email is unavailable</h3>
      <p>
        If you can still use the secure phone, verify your identity with it and change the logon email yourself (see
        Procedure above). If the account has no secure phone, or the phone is unavailable too,{' '}
        <Link to="/appeals/new?scenario=EMAIL_AND_PHONE_UNAVAILABLE">submit an appeal</Link>: support staff check the
        evidence you give and, if they approve, change the logon email for you. If you forgot which email the account
        uses, <Link to="/appeals/new?scenario=FORGOT_LOGON_EMAIL">submit an appeal</Link> with the Account ID (UID) or
        other details instead.
      </p>
    </article>
  );
}
