package awslimits

// RDS's numbers are AWS's, from "Request throttling for the Amazon RDS API"
// (Amazon RDS User Guide),
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-api-throttling.html
// ("If you use any Amazon RDS API operations and exceed the default limit
// for the number of calls per second ... your account exceeded its API
// request limit. By default, you can make up to 300 requests in a burst and
// a sustained 12 requests per second"), read on 2026-12-02 from stored
// copies, not the live site: the English page, the Markdown source of its
// German edition (still in English), and the Aurora User Guide's copy in
// German, Italian and Indonesian translations, which adds that Aurora uses
// the RDS API, so the same limits apply. No copy read reached the page's
// section "How throttling is applied".
//
// So: a token bucket of 300 requests refilled at 12 per second, per account
// and Region ("for each AWS account in each AWS Region"). The sentences
// read speak of one limit for the account, not of one per operation: the
// preset puts every RDS operation in one bucket, the stricter reading if
// the section not read gives each operation its own. AWS says a limit
// increase can be requested. Not here: RDS Data (the Data API), another
// service id.

const rdsSource = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-api-throttling.html"

var rdsBucket = bucket{300, 12}

// rdsRule puts every operation of the RDS API in the account's bucket.
func rdsRule(string) (group, bool) { return group{"api", rdsBucket.limit()}, true }
