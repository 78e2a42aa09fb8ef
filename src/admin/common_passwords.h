/* Internal: passwords too common to set (admin_staff.c's policy, compared
 * without regard to case).
 *
 * Source: written for yibao from general knowledge of the passwords that
 * published analyses of leaked password sets name most often - the yearly
 * "worst passwords" lists of SplashData and NordPass, the analyses of the
 * 2011 CSDN and Tianya leaks (pinyin, 1314 and 520 for "love", QQ numbers,
 * surnames with 123456), the keyboard walks of both - and the service's own
 * words. Not copied from any file. Only entries the other rules of the
 * policy let through are worth listing: at least 10 characters and two
 * kinds of character (lower case, upper case, digits, others); a password
 * shorter, or all digits ("1234567890"), is refused before this list is
 * read. NIST SP 800-63B 5.1.1.2 asks for such a check against "values known
 * to be commonly-used, expected, or compromised"; a fuller list (tens of
 * thousands of a breach corpus) can replace this one without changing the
 * code. */
#ifndef YB_ADMIN_COMMON_PASSWORDS_H
#define YB_ADMIN_COMMON_PASSWORDS_H

static const char *const common_passwords[] = {
	/* "password", "admin" and friends with the usual tails */
	"password12", "password123", "password1234", "password12345", "password123456",
	"password1!", "password!1", "password@1", "password@123", "password#123",
	"password123!", "passw0rd12", "passw0rd123", "p@ssw0rd123", "p@ssword123",
	"password2023", "password2024", "password2025", "passw0rd!!",
	"admin12345", "admin123456", "admin1234567", "admin@1234", "admin@12345",
	"admin@123456", "admin#1234", "administrator1", "root123456", "root@12345",
	"test123456", "test@12345", "guest12345", "changeme123", "welcome123",
	"welcome1234", "welcome@123", "welcome2024", "letmein123", "iloveyou12",
	"iloveyou123", "iloveyou1314", "trustno1234", "whatever123", "secret1234",
	"hello12345", "hello123456", "abcd123456", "abcd1234!@#$", "abc1234567",
	"abc123456789", "abcdef123456",
	/* keyboard walks */
	"qwerty1234", "qwerty12345", "qwerty123456", "qwerty@123", "qwert12345",
	"qwertyuiop1", "qwertyuiop123", "qwe123456789", "q1w2e3r4t5", "q1w2e3r4t5y6",
	"1q2w3e4r5t", "1q2w3e4r5t6y", "1qaz2wsx3edc", "1qazxsw23edc", "1qaz@wsx3edc",
	"1qaz!qaz2wsx", "!qaz2wsx#edc", "qazwsx123456", "qazwsxedc123", "zaq12wsx34",
	"123qweasdzxc", "qweasdzxc123", "qweasd123456", "1234qwer!@#$", "asdf123456",
	"asdfgh123456", "asdfghjkl123", "zxcvbnm123", "zxcvbnm123456", "123456789a",
	"123456789q", "a123456789", "aa123456789", "a1234567890", "1234567890a",
	"abc123456abc",
	/* pinyin, love numbers, QQ */
	"woaini1314", "woaini1314520", "woaini5201314", "woaini123456", "5201314woaini",
	"1314520woaini", "aini1314520", "qq123456789", "qq1234567890", "wo123456789",
	"nihao123456", "zhang123456", "wang123456", "li123456789", "liu123456789",
	"chen123456", "yang123456", "huang123456", "zhao123456", "zhou123456",
	"asd123456789", "zxc123456789",
	/* names, sports, seasons */
	"sunshine123", "football123", "baseball123", "superman123", "princess123",
	"starwars123", "michael123", "charlie123", "liverpool1", "chelsea123",
	"arsenal123", "computer123", "internet123", "monkey12345", "dragon12345",
	"summer2024!", "winter2024!", "spring2024!",
	/* this service */
	"yibao12345", "yibao123456", "yibao@12345", "yibao@123456", "admin@yibao",
	"yibao2024!", "yibaoadmin1", "medical123", "hospital123", "insurance123",
};

#endif
