#include <stdio.h>
int main(void)
{
    printf("hello from a program compiled under LD_PRELOAD\n");
    return 0;
}
