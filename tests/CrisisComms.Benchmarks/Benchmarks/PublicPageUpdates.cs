namespace CrisisComms.Benchmarks.Benchmarks;

/// <summary>
/// Ten public updates on the demo incident (the fictional Southern Cross Airways' contact-centre breach), in the
/// order they are published: the kind of page a crowd reads during a real incident, a few paragraphs each, with
/// headings, lists, links and the incident's facts filled in by the app's template engine.
/// </summary>
public static class PublicPageUpdates
{
    public static readonly IReadOnlyList<(string Title, string Body)> All =
    [
        ("Cyber incident involving customer information", """
            {{ org.name }} is responding to a cyber incident involving customer information. We apologise to our customers for the worry this causes.

            **What we know.** We have detected unauthorised access to {{ facts.third_party_platform }}. We are working urgently to confirm what information was involved and which customers are affected. Flights are operating normally and our booking, check-in and loyalty systems are not affected.

            **What we are doing.** We contained the affected system within hours of detecting the access, and we have engaged independent cyber security specialists to help us investigate.

            **What you can do now.** Be alert to emails, calls or texts claiming to be from us. We will never ask for your password, PIN or card details. For help now, call {{ facts.customer_hotline }} or visit [our support page]({{ facts.support_page }}).
            """),

        ("Update: the affected system is contained", """
            This is our second update on the cyber incident at a contact-centre platform run by a third-party provider.

            ## What is new

            The provider has confirmed that the unauthorised access used the sign-in details of one contact-centre account. That account has been disabled, every other account on the platform has had its password reset, and the platform now requires a second sign-in factor for all staff.

            We have seen no further unauthorised activity since the system was contained yesterday evening.

            ## What has not changed

            - Flights, bookings and check-in are operating normally.
            - Our own website and app were not accessed.
            - No payment information is held on the affected platform.

            We will update this page again by 6 pm today.
            """),

        ("Update: what information was involved", """
            Our investigation has now established what information the affected platform held.

            ## Information involved

            For some customers, the platform held their {{ facts.data_categories }}. The number of customers whose information was on the platform is up to 6 million, although for many of them only a name and an email address were held.

            ## Information not involved

            The platform did not hold, and the incident did not expose:

            {% for item in facts.data_not_exposed %}- {{ item }}
            {% endfor %}
            We know this is upsetting news. We are contacting every affected customer directly by email over the coming days to tell them exactly which of their details were held.
            """),

        ("Update: how to recognise scam messages", """
            Since our last update, some customers have told us about emails and text messages that claim to be from {{ org.name }} and ask for payment to "restore" a frequent flyer account. **These messages are not from us.**

            ## How to tell a genuine message from a scam

            1. We will never ask for your password, PIN or card details by email, text or phone.
            2. Our emails about this incident come only from our usual address and never contain attachments.
            3. We will never ask you to pay a fee to protect or restore your account.

            If you are unsure whether a message is genuine, do not click any link in it. Open our website or app yourself, or call us on {{ facts.customer_hotline }}.

            You can report suspected scams to Scamwatch. Reports help the authorities warn others and shut down fake websites quickly.
            """),

        ("Update: extra protection for frequent flyer accounts", """
            To protect our members, we have added extra security to every frequent flyer account.

            ## What has changed

            - Points transfers and redemptions now need a one-time code sent to the phone number or email address already on the account.
            - Changes to contact details now need the same code, and we send a confirmation to the old address as well as the new one.
            - Our fraud team is reviewing unusual account activity around the clock.

            These changes may add a minute to some bookings made with points. We are sorry for the inconvenience; we believe the extra protection is worth it while scammers are using this incident to target our customers.

            If you think someone else has used your account, call {{ facts.customer_hotline }} and we will lock it while we investigate. Any points lost to fraud will be restored.
            """),

        ("Update: we have started contacting affected customers", """
            We have started emailing customers whose information was held on the affected platform. The emails are being sent in batches and we expect every affected customer to receive theirs within four days.

            Each email says which of the customer's details were held. It does not contain any links that ask you to sign in, and it does not ask for any information.

            ## If you have not received an email

            You do not need to do anything. If your information was involved, you will hear from us by the end of this week. You can also check on [our support page]({{ facts.support_page }}) by entering your booking reference, without signing in.

            Customers who do not have an email address with us will receive a letter instead.
            """),

        ("Update: findings of the independent forensic review", """
            The independent cyber security specialists we engaged have given us their initial findings.

            ## What the review found

            The review confirmed that the access began four days before it was detected, and that it was limited to the one contact-centre platform. The specialists found no evidence that our airline systems, our website or our app were accessed, and no evidence of malicious software on our network.

            The review also confirmed that the person responsible downloaded a copy of customer records from the platform. We are working with the authorities to locate that copy and to stop it being published or sold.

            ## What happens next

            The specialists will continue to monitor for any sign of the information being offered online. We will publish a summary of their final report when it is complete.
            """),

        ("Update: support line hours extended", """
            Thank you to everyone who has called us this week. We know many of you have waited too long to get through, and we are sorry.

            ## More help, for longer

            From today our dedicated support line, {{ facts.customer_hotline }}, is open from 7 am to 11 pm every day, including weekends. We have trained 300 more staff to answer questions about this incident.

            Most questions are answered on [our support page]({{ facts.support_page }}), which now includes:

            - a way to check whether your information was involved, using your booking reference;
            - step-by-step guides to adding extra security to your accounts;
            - answers to the questions we are asked most often.

            Customers who are deaf, hard of hearing or have a speech impairment can contact us through the National Relay Service.
            """),

        ("Update: our work with police and the regulator", """
            We continue to work closely with {{ facts.police_agency }} and have kept {{ facts.regulator }} informed at every stage.

            ## Court order

            We have obtained a court order that makes it unlawful for anyone to access, use or publish the stolen information. The order means that any website, forum or media outlet that publishes the information can be required to remove it.

            ## Reporting to the regulator

            We have formally notified the regulator under the notifiable data breaches scheme. Our notification describes what happened, the information involved, and the steps we are taking to reduce the harm to our customers.

            We will keep cooperating fully with both investigations. Because they are ongoing, there are some details we cannot share yet; we will share them here as soon as we can.
            """),

        ("Update: identity protection support for affected customers", """
            We are offering every affected customer free support to protect their identity.

            ## What we are offering

            - **Twelve months of identity monitoring**, which alerts you if your details appear in new credit applications or on the dark web. Your email from us includes a personal code to sign up; it is free and you can cancel at any time.
            - **Replacement identity documents.** If your date of birth was involved and you decide to replace your driver licence, we will reimburse the cost. Keep your receipt and submit it through [our support page]({{ facts.support_page }}).
            - **One-to-one support** for customers who have been targeted by a scam, through our specialist team on {{ facts.customer_hotline }}.

            ## Next update

            The urgent phase of our response is over, so we will now update this page weekly, or sooner if anything important changes. Thank you for your patience, and we are sorry again that this happened.
            """),
    ];
}
