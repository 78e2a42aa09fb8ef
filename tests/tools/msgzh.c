/* Prints the Chinese of each English message read from stdin, one a line
 * (yb_msg_zh): for writing the expected err_msg of a new test, and for a
 * person checking what the catalogue makes of a message.
 *
 *   echo 'input.data.psn_no: missing' | build/tests/msgzh */
#include "yibao/messages.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
	char line[2048], zh[4096];

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		yb_msg_zh(zh, sizeof(zh), 0, line);
		puts(zh);
	}
	return 0;
}
